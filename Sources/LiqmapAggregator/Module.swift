/// The aggregator services of issue #5 (see docs/ARCHITECTURE.md).
public enum LiqmapAggregatorModule {}
