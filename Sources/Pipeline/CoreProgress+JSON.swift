import Foundation

extension CoreProgress {
    /// One line of `--progress json` (and of an attempt's stdout, which the worker reads):
    /// `{"elapsed":…,"eta":…,"fps":…,"fraction":…,"frames":…,"total":…}`.
    public var jsonLine: String {
        var object: [String: Any] = ["frames": frames, "fraction": (fraction * 1000).rounded() / 1000,
                                     "fps": (fps * 10).rounded() / 10, "elapsed": (elapsed * 10).rounded() / 10]
        object["total"] = total ?? NSNull()
        if let eta { object["eta"] = (eta * 10).rounded() / 10 }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
