import RelayTestSupport
import Testing

/// Every browser suite, one after the other: each starts its own headless
/// Chromium, and two at once would only slow a 2-core machine down.
/// Skipped without Chromium and chromedriver unless `POC_REQUIRE_BROWSER_TESTS=1`.
@Suite("in headless Chromium", .serialized, .enabled(if: WebDriver.shouldRun, Comment(rawValue: WebDriver.skipReason)))
enum Browser {}
