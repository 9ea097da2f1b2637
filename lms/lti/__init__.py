"""The LTI 1.3 Advantage tool: LMSs (Moodle, Canvas, Open edX) launch the service."""
