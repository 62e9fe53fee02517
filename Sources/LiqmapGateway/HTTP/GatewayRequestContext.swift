import Hummingbird
import NIOCore

/// The gateway's request context: Hummingbird's core storage, the peer's address (the per-IP rate
/// limit's bucket) and the API key the auth middleware accepted, if any.
public struct GatewayRequestContext: RequestContext, RemoteAddressRequestContext, AuthenticatedRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    public var apiKey: ApiKeyGrant?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = CoreRequestContextStorage(source: source)
        self.remoteAddress = source.channel.remoteAddress
        self.apiKey = nil
    }
}
