/// Model accuracy on a simulated market (`liqmap eval`).
public enum LiqmapEvalModule {}
