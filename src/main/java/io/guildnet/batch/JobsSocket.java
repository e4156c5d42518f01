package io.guildnet.batch;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.json.Json;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * {@code WS /ws/jobs?id=}: the anchor's job log socket, improved: it replays the log first,
 * then follows it (one LogEvent JSON per text message), and closes with 1000 "bye" when the
 * execution ends. Unknown or missing id: closed with 1008 and the reason.
 */
@ServerEndpoint("/ws/jobs")
public class JobsSocket {

    private EventPump pump;

    @OnOpen
    public void open(Session session) throws IOException {
        List<String> ids = session.getRequestParameterMap().get("id");
        long id;
        BatchEnvironment env = CDI.current().select(BatchEnvironment.class).get();
        try {
            id = JobService.parseId(ids == null || ids.isEmpty() ? "" : ids.get(0));
            env.jobs().require(id);
        } catch (RuntimeException e) {
            session.close(new CloseReason(CloseReason.CloseCodes.VIOLATED_POLICY, ids == null || ids.isEmpty() ? "missing id" : "unknown job"));
            return;
        }
        ExecutorService executor;
        try {
            executor = (ExecutorService) new javax.naming.InitialContext().lookup("java:comp/DefaultManagedExecutorService");
        } catch (javax.naming.NamingException e) {
            session.close(new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "no executor"));
            return;
        }
        pump = new EventPump(env.logs(), id, () -> env.jobs().terminal(id), () -> Json.createObjectBuilder().build(), new EventPump.Sender() {
            @Override public boolean send(ExecutionLogs.Event e) {
                if (!session.isOpen()) return false;
                if (!e.type().equals("log")) return true; // the anchor's socket carries LogEvents only
                try {
                    session.getBasicRemote().sendText(e.data().toString());
                    return true;
                } catch (IOException ex) {
                    return false;
                }
            }

            @Override public boolean ping() {
                try {
                    session.getBasicRemote().sendPing(java.nio.ByteBuffer.allocate(0));
                    return session.isOpen();
                } catch (IOException | RuntimeException ex) {
                    return false;
                }
            }

            @Override public void close() {
                try {
                    if (session.isOpen()) session.close(new CloseReason(CloseReason.CloseCodes.NORMAL_CLOSURE, "bye"));
                } catch (IOException ignored) {
                    // gone already
                }
            }
        }, Duration.ofSeconds(15));
        pump.start(executor);
    }

    @OnClose
    public void closed(Session session) {
        if (pump != null) pump.close();
    }

    @OnError
    public void error(Session session, Throwable t) {
        if (pump != null) pump.close();
    }
}
