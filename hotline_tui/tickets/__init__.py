"""Tickets (工单): intake record, life cycle, SLA clocks, service with permissions and audit."""
