package io.guildnet.store;

import io.guildnet.security.SecureFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The host's SQLite database: WAL journal, busy timeout, a small connection
 * pool, and one writer at a time. {@link #write} runs its work in a single
 * {@code BEGIN IMMEDIATE} transaction, so a crash leaves all of it or none.
 */
public final class Database implements AutoCloseable {

    /** Work against a connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private static final int POOL = 4;

    private final Path file;
    private final SQLiteDataSource ds;
    private final BlockingQueue<Connection> idle = new ArrayBlockingQueue<>(POOL);
    private final ReentrantLock writer = new ReentrantLock(true);
    private volatile boolean closed;

    private Database(Path file) {
        this.file = file;
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
        cfg.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        cfg.setBusyTimeout(5000);
        cfg.enforceForeignKeys(true);
        // Every write transaction takes the write lock at BEGIN (no upgrade deadlocks).
        cfg.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        this.ds = new SQLiteDataSource(cfg);
        ds.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
    }

    /** Opens (creating if needed) and migrates the database at {@code file}. */
    public static Database open(Path file) throws IOException, SQLException {
        SecureFiles.privateDir(file.toAbsolutePath().getParent());
        Database db = new Database(file);
        try {
            Migrations.apply(db);
        } catch (SQLException | IOException | RuntimeException e) {
            db.close();
            throw e;
        }
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            SecureFiles.restrict(Path.of(file.toAbsolutePath() + suffix));
        }
        return db;
    }

    public Path file() { return file; }

    public <T> T read(Work<T> work) throws SQLException {
        Connection c = borrow();
        try {
            return work.run(c);
        } finally {
            giveBack(c);
        }
    }

    public <T> T write(Work<T> work) throws SQLException {
        writer.lock();
        try {
            Connection c = borrow();
            try {
                c.setAutoCommit(false);
                try {
                    T out = work.run(c);
                    c.commit();
                    return out;
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                } finally {
                    c.setAutoCommit(true);
                }
            } finally {
                giveBack(c);
            }
        } finally {
            writer.unlock();
        }
    }

    /** True when a write transaction can be taken within a second (readiness). */
    public boolean writable() {
        try {
            if (!writer.tryLock(1, TimeUnit.SECONDS)) return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        try {
            Connection c = borrow();
            try (Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                s.execute("INSERT INTO meta(key, value) VALUES('ready_probe', datetime('now')) "
                        + "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
                c.rollback();
                return true;
            } finally {
                c.setAutoCommit(true);
                giveBack(c);
            }
        } catch (SQLException e) {
            return false;
        } finally {
            writer.unlock();
        }
    }

    private Connection borrow() throws SQLException {
        if (closed) throw new SQLException("state database is closed");
        Connection c = idle.poll();
        if (c != null) return c;
        return ds.getConnection();
    }

    private void giveBack(Connection c) {
        if (closed || !idle.offer(c)) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing a spare connection
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        Connection c;
        while ((c = idle.poll()) != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // shutting down
            }
        }
    }
}
