import ArgumentParser
import Foundation

/// Every failure: one clear line on stderr naming the file and the cause, and a non-zero exit.
enum Fail {
    static func reporting<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ExitCode {
            throw error
        } catch {
            FileHandle.standardError.write(Data("mediaworker: error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
