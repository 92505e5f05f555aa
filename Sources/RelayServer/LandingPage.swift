/// The public page of `GET /` (R6): the directory's mandate and how a state
/// joins. Static: it holds no personal data and no directory content.
enum LandingPage {
    static let html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Global intergovernmental points of contact directory: secure relay</title>
        <style>
        body { font-family: system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #1b1b1b; }
        h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
        .note { background: #f3f6f9; border-left: 4px solid #0b5394; padding: .75rem 1rem; }
        </style>
        </head>
        <body>
        <h1>Global, intergovernmental points of contact directory</h1>
        <p class="note">This server is the secure messaging relay of the directory. Access is restricted to
        participating States; this page is the public overview of its mandate.</p>

        <h2>Mandate</h2>
        <p>States agreed, in the Open-ended Working Group on security of and in the use of information and
        communications technologies (report A/78/265, Annex A), to establish a global, intergovernmental
        directory of diplomatic and technical points of contact. Its purpose is to let States reach each other
        quickly, directly and securely in the event of a major or urgent ICT incident, to reduce tension and
        avoid misunderstanding and misperception. Participation is voluntary. The United Nations Office for
        Disarmament Affairs is the custodian.</p>
        <p>The directory does not host confidential information. Messages exchanged through this relay are
        encrypted end to end between the points of contact and signed by their senders: the relay routes them
        but cannot read them. Acknowledging receipt of a message does not imply agreement with its content.
        Information exchanged is shared with third parties only with the consent of all parties concerned.</p>

        <h2>How a State joins</h2>
        <ol>
        <li>The State asks the custodian, through its permanent mission to the United Nations, to participate.</li>
        <li>The State designates a diplomatic and/or a technical point of contact: an authorised national
        entity or institution, or a designated person of one.</li>
        <li>The custodian sends a one-time enrolment invitation for each designated point of contact.</li>
        <li>The point of contact installs the client, creates its keys on its own computer and enrols with the
        invitation; it then checks key fingerprints with its correspondents by a separate channel.</li>
        <li>Points of contact keep their entries up to date and answer the custodian's ping tests, held every
        six months, within 48 hours.</li>
        </ol>

        <h2>Protocol</h2>
        <p>Clients speak protocol version 1 of the POC Relay wire contract; the relay describes itself at
        <code>/v1/relay</code>.</p>
        </body>
        </html>
        """
}
