# Shared by ovs-vswitchd's hook and the exporter.
FLOWLOG_LIB_SOURCES = \
	lib/flowlog-config.c \
	lib/flowlog-config.h \
	lib/flowlog-record.c \
	lib/flowlog-record.h
