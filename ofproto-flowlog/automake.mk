# The flowlog hook, linked into ovs-vswitchd.
FLOWLOG_HOOK_SOURCES = \
	ofproto-flowlog/flowlog.c \
	ofproto-flowlog/flowlog-channel.c \
	ofproto-flowlog/flowlog.h \
	ofproto-flowlog/flowlog-private.h \
	ofproto-flowlog/flowlog-table.c \
	ofproto-flowlog/flowlog-xlate.c

man_MANS += ofproto-flowlog/ovs-flowlog.7
EXTRA_DIST += ofproto-flowlog/ovs-flowlog.7
