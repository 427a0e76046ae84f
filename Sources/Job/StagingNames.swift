import Foundation

/// How a job's outputs are staged beside their final folder: `.<name>.partial-<random>`, hidden and named
/// after the folder. The publisher (Pipeline's `StagingDirectory`) makes them; the worker removes those a
/// killed attempt left behind. One definition, so the two agree.
public enum StagingNames {
    /// The prefix of every staging folder of the folder named `name`.
    public static func prefix(_ name: String) -> String { "." + name + ".partial-" }

    /// Staging folders of `finalPath` left by runs that died before committing or cleaning up (a killed
    /// process): full paths. Whoever runs the next attempt for that path removes them.
    public static func leftovers(finalPath: String) -> [String] {
        let url = URL(fileURLWithPath: finalPath).standardizedFileURL
        let parent = url.deletingLastPathComponent().path
        let prefix = prefix(url.lastPathComponent)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []
        return names.filter { $0.hasPrefix(prefix) }.map { parent + "/" + $0 }
    }
}
