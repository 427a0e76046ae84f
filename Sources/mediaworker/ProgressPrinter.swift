import Foundation
import Job
import Pipeline

/// Progress on stderr: a redrawn bar on a terminal, plain lines otherwise; or JSON lines on stdout.
final class ProgressPrinter: @unchecked Sendable {
    // Called from one thread (the frame core's reporting thread) at a time.
    enum Mode { case auto, json, none }
    private let mode: Mode
    private let tty = isatty(2) != 0
    private var lastLine = -1.0

    init(_ mode: Mode) { self.mode = mode }

    func report(_ p: CoreProgress) {
        switch mode {
        case .none: return
        case .json:
            FileHandle.standardOutput.write(Data((p.jsonLine + "\n").utf8))
        case .auto:
            let pct = Int(p.fraction * 100)
            let eta = p.eta.map { String(format: "ETA %.0fs", $0) } ?? ""
            let total = p.total.map { "/\($0)" } ?? ""
            if tty {
                let width = 30
                let filled = Int(p.fraction * Double(width))
                let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
                let line = String(format: "\r%@ %3d%% %lld%@ frames %.1f fps %@", bar, pct, p.frames, total, p.fps, eta)
                FileHandle.standardError.write(Data((line + "\u{1B}[K").utf8))
                if p.fraction >= 1 { FileHandle.standardError.write(Data("\n".utf8)) }
            } else if p.elapsed - lastLine >= 2 || p.fraction >= 1 {
                lastLine = p.elapsed
                let line = String(format: "progress %3d%% frames %lld%@ %.1f fps %@\n", pct, p.frames, total, p.fps, eta)
                FileHandle.standardError.write(Data(line.utf8))
            }
        }
    }
}
