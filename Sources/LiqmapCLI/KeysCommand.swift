import ArgumentParser
import Foundation
import LiqmapConfig
import LiqmapGateway
import LiqmapPostgres

/// `liqmap keys create|list|revoke`: the gateway's API keys in PostgreSQL (only their SHA-256 is stored).
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Create, list and revoke the gateway's API keys.",
        subcommands: [KeysCreateCommand.self, KeysListCommand.self, KeysRevokeCommand.self])
}

/// `liqmap keys create --name NAME [--rate 20] [--burst 40]`: prints the new key once, and its id.
struct KeysCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create an API key and print it (once: only its hash is kept).")
    @Option(help: "What the key is for (1–100 characters).") var name: String
    @Option(help: "Requests per second the key may make (sustained).") var rate: Double = 20
    @Option(help: "Requests the key may make at once (bucket size).") var burst: Int = 40
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard rate.isFinite, rate > 0 else { throw ValidationError("--rate must be > 0") }
        guard burst >= 1 else { throw ValidationError("--burst must be at least 1") }
    }

    func run() async throws {
        let store = try await KeysStore.open(connection)
        let (id, token) = try await KeysStore.run { try await store.create(name: name, limit: RateLimit(rate: rate, burst: burst)) }
        print(KeysOutput.created(id: id, token: token, name: name, limit: RateLimit(rate: rate, burst: burst)))
    }
}

/// `liqmap keys list [--json]`: every key's id, name, prefix, limit, creation and revocation; never a key.
struct KeysListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the API keys (never the keys themselves).")
    @Flag(help: "One JSON array instead of a table.") var json = false
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let store = try await KeysStore.open(connection)
        let records = try await KeysStore.run { try await store.list() }
        print(json ? KeysOutput.json(records) : KeysOutput.table(records))
    }
}

/// `liqmap keys revoke ID`: the gateway refuses the key from then on (within its key cache's lifetime).
struct KeysRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke an API key by id.")
    @Argument(help: "The key's id (from `liqmap keys list`).") var id: Int64
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let store = try await KeysStore.open(connection)
        switch try await KeysStore.run({ try await store.revoke(id: id) }) {
        case .revoked(let name):
            print("revoked key \(id) (\(name)); gateways refuse it once their key cache expires (--auth-cache-ttl, default 10 s)")
        case .alreadyRevoked(let name, let at):
            print("key \(id) (\(name)) was already revoked at \(at)")
        case .noSuchKey:
            throw KeysStore.Failure(description: "no API key with id \(id)")
        }
    }
}

/// The store the `keys` commands share, and their error translation.
enum KeysStore {
    /// A refusal that is not a usage error (exit 1, no usage text).
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func open(_ connection: ConnectionOptions) async throws -> ApiKeyStore {
        let settings = try await connection.settings()
        return ApiKeyStore(client: PostgresClient(conninfo: settings.postgresURL, settings: ["application_name": "liqmap-keys"]))
    }

    /// Runs `body`, turning a missing table and a refused value into messages an operator can act on.
    static func run<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ApiKeyStore.InvalidKey {
            throw Failure(description: error.description)
        } catch let error as PostgresError where error.sqlState == "42P01" {
            throw Failure(description: "the api_keys table does not exist: run `liqmap migrate` first (\(error.message))")
        }
    }
}
