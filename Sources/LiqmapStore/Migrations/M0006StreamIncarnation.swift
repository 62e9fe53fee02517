extension Migrations {
    /// The shard stream's incarnation (issue #8): the token in `liqmap:v1:{s<N>}:incarnation` the
    /// owner last saw. Redis losing its data loses the token; an owner that finds a different one
    /// (or none) knows the stream it was reading is gone, alarms, and starts the new one from 0.
    static let m0006StreamIncarnation = Migration(version: 6, name: "stream_incarnation", sql: """
        ALTER TABLE shard_progress ADD COLUMN stream_incarnation text;
        """)
}
