from kechuang.core.access import Route

ROUTES = [Route("audit:event_list", allow={"auditor"})]
