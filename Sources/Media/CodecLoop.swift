/// FFmpeg's send/receive protocol for codecs, written once. `send` may refuse an input while the codec holds
/// outputs (EAGAIN): the caller must receive them and send the same input again. Every caller going through
/// ``feed(_:into:_:)`` is what guarantees no refused packet or frame is ever dropped.
public protocol SendReceiveCodec: AnyObject {
    associatedtype Input: AnyObject
    associatedtype Output: AnyObject
    /// Sends an input, `nil` for the end of the stream; false when the codec is full (drain it, send again).
    func send(_ input: Input?) throws(MediaError) -> Bool
    func receive(into output: Output) throws(MediaError) -> ReceiveResult
    /// For errors: "h264 decoder", "libx264 encoder".
    var codecDescription: String { get }
}

extension SendReceiveCodec {
    /// Sends `input` (`nil`: the end of the stream) and hands every output the codec has to `handle`: first
    /// those it must give up before it takes the input (when full), then those the input produced. The same
    /// `output` object is refilled for each: `handle` must take what it keeps (a reference, a copy).
    /// A codec that refuses an input while it has nothing to give would loop for ever: that is an error.
    public func feed(_ input: Input?, into output: Output, _ handle: (Output) throws -> Void) throws {
        while try !send(input) {
            var gave = false
            while try receive(into: output) == .frame {
                gave = true
                try handle(output)
            }
            guard gave else {
                throw MediaError.unsupported("send to the \(codecDescription)", "the codec refused input and had no output to give", file: nil)
            }
        }
        while try receive(into: output) == .frame { try handle(output) }
    }

    /// `feed` for a caller that may stop at an output (the first picture, the one at a time): `handle`
    /// returns true to stop, and then the codec keeps what it has left (and the input may not have been sent:
    /// for a caller that is done with the codec). Returns whether `handle` stopped it.
    public func feed(_ input: Input?, into output: Output, until handle: (Output) throws(MediaError) -> Bool) throws(MediaError) -> Bool {
        while try !send(input) {
            var gave = false
            while try receive(into: output) == .frame {
                gave = true
                if try handle(output) { return true }
            }
            guard gave else {
                throw MediaError.unsupported("send to the \(codecDescription)", "the codec refused input and had no output to give", file: nil)
            }
        }
        while try receive(into: output) == .frame {
            if try handle(output) { return true }
        }
        return false
    }
}

extension Decoder: SendReceiveCodec {
    public var codecDescription: String { "\(codecName) decoder" }
}

extension Encoder: SendReceiveCodec {
    public var codecDescription: String { "\(name) encoder" }
}
