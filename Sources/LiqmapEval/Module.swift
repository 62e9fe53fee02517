/// Model accuracy on a simulated market (`liqmap eval`): `Evaluator`, `Replay`, `Scoring`, `EvalReport`.
public enum LiqmapEvalModule {}
