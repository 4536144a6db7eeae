# The flowlog hook, linked into ovs-vswitchd.  Its files include each other
# one way, bottom to top as listed here (see flowlog-ports.h); the check
# "layout" in tests/ keeps it so.
FLOWLOG_HOOK_SOURCES = \
	ofproto-flowlog/flowlog.h \
	ofproto-flowlog/flowlog-ports.c \
	ofproto-flowlog/flowlog-ports.h \
	ofproto-flowlog/flowlog-table.c \
	ofproto-flowlog/flowlog-table.h \
	ofproto-flowlog/flowlog-ct.c \
	ofproto-flowlog/flowlog-ct.h \
	ofproto-flowlog/flowlog-frag.c \
	ofproto-flowlog/flowlog-frag.h \
	ofproto-flowlog/flowlog-xlate.c \
	ofproto-flowlog/flowlog-xlate.h \
	ofproto-flowlog/flowlog-snapshot.c \
	ofproto-flowlog/flowlog-snapshot.h \
	ofproto-flowlog/flowlog-channel.c \
	ofproto-flowlog/flowlog-channel.h \
	ofproto-flowlog/flowlog-rotation.c \
	ofproto-flowlog/flowlog-rotation.h \
	ofproto-flowlog/flowlog-ovsdb.c \
	ofproto-flowlog/flowlog-ovsdb.h \
	ofproto-flowlog/flowlog-unixctl.c \
	ofproto-flowlog/flowlog-unixctl.h \
	ofproto-flowlog/flowlog.c

man_MANS += ofproto-flowlog/ovs-flowlog.7
EXTRA_DIST += ofproto-flowlog/ovs-flowlog.7
