package dev.gitlabmcp.gateway.audit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default sink: one line per call through the gateway's non-blocking logging (a full log queue drops and
 * counts the line, it never makes a call wait). The logger is {@value #LOGGER} ("audit" in text lines); with
 * LOG_FORMAT=json each line is one JSON object whose {@code fields} hold the record.
 */
public final class LogAuditSink implements AuditSink {

  /** Its own logger, kept at INFO whatever LOG_LEVEL says (logback.xml), so the audit trail is not lost with it. */
  public static final String LOGGER = "dev.gitlabmcp.audit";
  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  @Override
  public void record(AuditRecord r) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    LOG.info("audit_tool_call subject={} user={} instance={} client={} tool={} project={} outcome={} reason={} "
            + "gitlab_status={} duration_ms={} request={} session={}", r.subject(), dash(r.username()), r.instance(),
        dash(r.clientId()), r.tool(), dash(r.project()), r.outcome().label(), dash(r.reason()), r.gitlabStatus(),
        r.durationMs(), dash(r.requestId()), r.session());
  }

  private static String dash(String s) {
    return s.isEmpty() ? "-" : s;
  }
}
