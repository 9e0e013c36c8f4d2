import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Progress on stderr: a redrawn bar with notes/s, MB/s and ETA on a terminal; plain periodic lines
/// otherwise (logs, CI), so long runs are never silent and never spam.
public final class ProgressReporter {
    private let isTerminal = isatty(2) != 0
    private let interval: Duration
    private var started = ContinuousClock.now
    private var lastPrint = ContinuousClock.now
    private var totalBytes = 0
    private var notes = 0
    private var bytes = 0
    private let err = OutputSink.standardError()

    public init(plainInterval: Duration = .seconds(10)) {
        interval = plainInterval
    }

    public func start(totalBytes: Int) {
        self.totalBytes = totalBytes
        started = ContinuousClock.now
        lastPrint = started
    }

    public func update(notes: Int, bytes: Int) {
        self.notes = notes
        self.bytes = bytes
        let now = ContinuousClock.now
        if now - lastPrint >= (isTerminal ? .milliseconds(200) : interval) {
            lastPrint = now
            draw(final: false)
        }
    }

    public func finish() {
        if notes > 0 { draw(final: true) }
    }

    private func draw(final: Bool) {
        let secs = max((ContinuousClock.now - started).inSeconds, 1e-9)
        let mbps = Double(bytes) / 1_000_000 / secs
        let rate = Double(notes) / secs
        var eta = ""
        if totalBytes > 0, bytes > 0, !final {
            let remaining = Double(max(totalBytes - bytes, 0)) / (Double(bytes) / secs)
            eta = String(format: " ETA %.0fs", remaining)
        }
        if isTerminal {
            let fraction = totalBytes > 0 ? min(Double(bytes) / Double(totalBytes), 1) : 0
            let width = 24
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            err.write(String(format: "\r[%@] %d notes  %.0f notes/s  %.1f MB/s%@   ", bar, notes, rate, mbps, eta) + (final ? "\n" : ""))
        } else {
            err.write(String(format: "noteminer: %d notes, %.0f notes/s, %.1f MB/s%@\n", notes, rate, mbps, eta))
        }
    }
}

extension Duration {
    /// The duration as fractional seconds.
    public var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
