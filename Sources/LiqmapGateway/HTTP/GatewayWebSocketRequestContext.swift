import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The context of the WebSocket router (`/v1/stream`): like ``GatewayRequestContext`` (peer
/// address, accepted API key), plus the handler reference the upgrade needs.
public struct GatewayWebSocketRequestContext: WebSocketRequestContext, RemoteAddressRequestContext, AuthenticatedRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<Self>
    public let remoteAddress: SocketAddress?
    public var apiKey: ApiKeyGrant?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = CoreRequestContextStorage(source: source)
        self.webSocket = WebSocketHandlerReference()
        self.remoteAddress = source.channel.remoteAddress
        self.apiKey = nil
    }
}
