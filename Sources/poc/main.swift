import PocCLI

await PocCLI.main()
