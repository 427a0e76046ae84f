import Foundation
import Logging

/// Opens the queue a ``QueueURL`` names.
public enum QueueFactory {
    public static func open(
        url: QueueURL, configuration: QueueConfiguration = QueueConfiguration(),
        logger: Logger = Logger(label: "mediaworker.queue")
    ) async throws -> any JobQueue {
        switch url {
        case .sqlite(let path):
            return try SQLiteJobQueue(path: path, configuration: configuration, logger: logger)
        case .postgres(let settings):
            return try await PostgresJobQueue.open(settings: settings, configuration: configuration, logger: logger)
        }
    }

    public static func open(
        url: String, configuration: QueueConfiguration = QueueConfiguration(),
        logger: Logger = Logger(label: "mediaworker.queue")
    ) async throws -> any JobQueue {
        try await open(url: QueueURL(parsing: url), configuration: configuration, logger: logger)
    }
}
