/// The gateway (Hummingbird 2).
public enum LiqmapGatewayModule {}
