import CFFmpeg

/// What FFmpeg's interrupt callback consults: a deadline and a cancellation token.
/// Owned by the container whose `AVFormatContext` points at it, so it outlives every callback.
final class InterruptState {
    let deadline: Double?
    let cancel: CancellationToken?
    init(deadline seconds: Double?, cancel: CancellationToken?) {
        self.deadline = seconds.map { monotonicSeconds() + $0 }
        self.cancel = cancel
    }

    var shouldStop: Bool {
        if let cancel, cancel.isCancelled { return true }
        if let deadline, monotonicSeconds() > deadline { return true }
        return false
    }

    var expired: Bool {
        if let deadline { return monotonicSeconds() > deadline }
        return false
    }

    var callback: AVIOInterruptCB {
        AVIOInterruptCB(callback: { opaque in
            guard let opaque else { return 0 }
            let state = Unmanaged<InterruptState>.fromOpaque(opaque).takeUnretainedValue()
            return state.shouldStop ? 1 : 0
        }, opaque: Unmanaged.passUnretained(self).toOpaque())
    }
}
