# Test suites, in OVS's autotest style and built from OVS's own macros
# (tests/ovs-macros.at etc. of the OVS copy in $(OVS_SRCDIR)).
#
#   make check         tests/testsuite: dummy datapath, no root needed.
#                      Add TESTSUITEFLAGS=-j2, -k KEYWORD, -d, -v, ...
#   make check-system  tests/system-testsuite: root only; netdev bridges
#                      with veth ports whose peers live in network
#                      namespaces.  Always -j1.
#   make check-kernel  tests/system-kernel-testsuite: the same system test
#                      files on the kernel datapath (openvswitch.ko,
#                      datapath_type=system), run by tests/vm/run-vm inside
#                      a qemu VM with Debian 12's kernel.  Root only.
#
# Both run the programs of the patched OVS copy, never the host's: see
# tests/atlocal.in for how AUTOTEST_PATH and OVS's atlocal are wired.
#
# To add a test file, list it below.  Both suites m4_include OVS's macros,
# tests/flowlog-macros.at, then the files of TESTSUITE_MACROS_AT, then
# those of TESTSUITE_AT or SYSTEM_TESTSUITE_AT, in this order
# (tests/testsuite-list.at and tests/system-testsuite-list.at are generated
# from these lists).

# More macro files, shared by both suites.
TESTSUITE_MACROS_AT = \
	tests/flowlog-hook-macros.at \
	tests/exporter-macros.at

# tests/testsuite: dummy datapath.
TESTSUITE_AT = \
	tests/layout.at \
	tests/flowlog-smoke.at \
	tests/flowlog-records.at \
	tests/flowlog-tcp-flags.at \
	tests/flowlog-intervals.at \
	tests/flowlog-capacity.at \
	tests/flowlog-exclusions.at \
	tests/flowlog-conntrack.at \
	tests/flowlog-config.at \
	tests/flowlog-external-ids.at \
	tests/flowlog-operator.at \
	tests/flowlog-channel.at \
	tests/flowlog-close.at \
	tests/flowlog-files.at \
	tests/exporter-files.at \
	tests/exporter-parquet.at \
	tests/exporter-channel.at \
	tests/exporter-config.at \
	tests/exporter-commands.at \
	tests/exporter-spool.at \
	tests/exporter-swift.at \
	tests/exporter-keystone.at \
	tests/exporter-vswitchd.at \
	tests/exporter-faults.at \
	tests/cli.at

# tests/system-testsuite: root, veth, network namespaces.
SYSTEM_TESTSUITE_AT = \
	tests/system-smoke.at \
	tests/system-flowlog.at \
	tests/system-netfilter.at \
	tests/system-demo.at

# tests/system-kernel-testsuite: the system tests that hold on the kernel
# datapath too (the netfilter tests and the demo build their own netdev
# bridges).
KERNEL_TESTSUITE_AT = \
	tests/system-smoke.at \
	tests/system-flowlog.at

FLOWLOG_MACROS_AT = tests/flowlog-macros.at $(TESTSUITE_MACROS_AT)

# The exporter's tests play ovs-vswitchd's side of the channel with this.
noinst_PROGRAMS += tests/test-flowlog-channel
tests_test_flowlog_channel_SOURCES = tests/test-flowlog-channel.c
tests_test_flowlog_channel_CPPFLAGS = $(AM_CPPFLAGS) $(PROTOBUF_C_CFLAGS)
tests_test_flowlog_channel_LDADD = \
	lib/libflowlog.a $(OVS_LIBOPENVSWITCH) $(PROTOBUF_C_LIBS)
tests_test_flowlog_channel_LINK = $(OVS_LIBTOOL_LINK)
EXTRA_tests_test_flowlog_channel_DEPENDENCIES = $(OVS_LIBOPENVSWITCH)
$(tests_test_flowlog_channel_OBJECTS): ovs/.flowlog-configured | ovs-libs

# Writes Parquet files with lib/flowlog-parquet.c for tests/parquet-read.mjs.
noinst_PROGRAMS += tests/test-flowlog-parquet
tests_test_flowlog_parquet_SOURCES = tests/test-flowlog-parquet.c
tests_test_flowlog_parquet_CPPFLAGS = $(AM_CPPFLAGS) $(ZLIB_CFLAGS) $(LIBDEFLATE_CFLAGS)
tests_test_flowlog_parquet_LDADD = \
	lib/libflowlog-file.a $(OVS_LIBOPENVSWITCH) $(ZLIB_LIBS) $(LIBDEFLATE_LIBS)
tests_test_flowlog_parquet_LINK = $(OVS_LIBTOOL_LINK)
EXTRA_tests_test_flowlog_parquet_DEPENDENCIES = $(OVS_LIBOPENVSWITCH)
$(tests_test_flowlog_parquet_OBJECTS): ovs/.flowlog-configured | ovs-libs

EXTRA_DIST += \
	$(TESTSUITE_AT) \
	$(SYSTEM_TESTSUITE_AT) \
	$(FLOWLOG_MACROS_AT) \
	tests/testsuite.at \
	tests/system-testsuite.at \
	tests/system-kernel-testsuite.at \
	tests/atlocal.in \
	tests/run-all \
	tests/package-test \
	tests/debian-root.sh \
	tests/vm/run-vm \
	tests/vm/guest-init \
	tests/vm/initramfs-init \
	tests/flowlog-pcap-oracle.py \
	tests/flowlog-udp.py \
	tests/exporter-read.py \
	tests/cli-fixture.py \
	tests/flowlog-json.py \
	tests/swift-sandbox.sh \
	tests/swift-faults.py \
	tests/rate-limit-proxy.py \
	tests/dir-swapper.py \
	tests/sandbox-lib.sh \
	tests/s3-client.py \
	tests/keystone-sandbox.sh \
	tests/keystone-token-server.py \
	tests/objstore-sums.py \
	tests/spool-file.py \
	tests/check-layout.py \
	tests/parquet-read.mjs \
	tests/report-check.mjs \
	tests/package.json \
	tests/package-lock.json

TESTSUITE = tests/testsuite
SYSTEM_TESTSUITE = tests/system-testsuite
KERNEL_TESTSUITE = tests/system-kernel-testsuite

# Generated at build time (not shipped): they include macros from the OVS
# copy, which exists only in the build tree.
noinst_DATA += $(TESTSUITE) $(SYSTEM_TESTSUITE) $(KERNEL_TESTSUITE)
DISTCLEANFILES += tests/atconfig tests/atlocal
CLEANFILES += \
	$(TESTSUITE) $(SYSTEM_TESTSUITE) $(KERNEL_TESTSUITE) \
	tests/testsuite-list.at tests/system-testsuite-list.at \
	tests/system-kernel-testsuite-list.at \
	package.m4

AUTOTEST = $(AUTOM4TE) --language=autotest
AUTOTEST_INCLUDES = -I '$(builddir)' -I '$(srcdir)' -I '$(OVS_SRCDIR)'

$(TESTSUITE): package.m4 tests/testsuite.at tests/testsuite-list.at \
		$(FLOWLOG_MACROS_AT) $(TESTSUITE_AT) ovs/.flowlog-prepared
	$(AM_V_GEN)$(AUTOTEST) $(AUTOTEST_INCLUDES) -o $@.tmp $(srcdir)/$@.at
	$(AM_V_at)mv $@.tmp $@

$(SYSTEM_TESTSUITE): package.m4 tests/system-testsuite.at \
		tests/system-testsuite-list.at $(FLOWLOG_MACROS_AT) \
		$(SYSTEM_TESTSUITE_AT) ovs/.flowlog-prepared
	$(AM_V_GEN)$(AUTOTEST) $(AUTOTEST_INCLUDES) -o $@.tmp $(srcdir)/$@.at
	$(AM_V_at)mv $@.tmp $@

$(KERNEL_TESTSUITE): package.m4 tests/system-kernel-testsuite.at \
		tests/system-kernel-testsuite-list.at $(FLOWLOG_MACROS_AT) \
		$(KERNEL_TESTSUITE_AT) ovs/.flowlog-prepared
	$(AM_V_GEN)$(AUTOTEST) $(AUTOTEST_INCLUDES) -o $@.tmp $(srcdir)/$@.at
	$(AM_V_at)mv $@.tmp $@

# m4_include lines for TESTSUITE_MACROS_AT + TESTSUITE_AT, for
# TESTSUITE_MACROS_AT + SYSTEM_TESTSUITE_AT and for TESTSUITE_MACROS_AT +
# KERNEL_TESTSUITE_AT.
tests/testsuite-list.at: Makefile
	$(AM_V_at)$(MKDIR_P) tests
	$(AM_V_GEN)for f in $(TESTSUITE_MACROS_AT) $(TESTSUITE_AT); do \
	  echo "m4_include([$$f])"; \
	done > $@.tmp && mv -f $@.tmp $@

tests/system-testsuite-list.at: Makefile
	$(AM_V_at)$(MKDIR_P) tests
	$(AM_V_GEN)for f in $(TESTSUITE_MACROS_AT) $(SYSTEM_TESTSUITE_AT); do \
	  echo "m4_include([$$f])"; \
	done > $@.tmp && mv -f $@.tmp $@

tests/system-kernel-testsuite-list.at: Makefile
	$(AM_V_at)$(MKDIR_P) tests
	$(AM_V_GEN)for f in $(TESTSUITE_MACROS_AT) $(KERNEL_TESTSUITE_AT); do \
	  echo "m4_include([$$f])"; \
	done > $@.tmp && mv -f $@.tmp $@

# Our package signature.  Kept in the build tree, where autom4te finds it
# before the OVS copy's package.m4.
package.m4: $(top_srcdir)/configure.ac
	$(AM_V_GEN){ \
	  echo '# Signature of the current package.' && \
	  echo 'm4_define([AT_PACKAGE_NAME],      [$(PACKAGE_NAME)])' && \
	  echo 'm4_define([AT_PACKAGE_TARNAME],   [$(PACKAGE_TARNAME)])' && \
	  echo 'm4_define([AT_PACKAGE_VERSION],   [$(PACKAGE_VERSION)])' && \
	  echo 'm4_define([AT_PACKAGE_STRING],    [$(PACKAGE_STRING)])' && \
	  echo 'm4_define([AT_PACKAGE_BUGREPORT], [$(PACKAGE_BUGREPORT)])'; \
	} > $@.tmp && mv $@.tmp $@

check-local: tests/atconfig tests/atlocal $(TESTSUITE)
	set $(SHELL) '$(TESTSUITE)' -C tests; \
	"$$@" $(TESTSUITEFLAGS) || \
	(test X'$(RECHECK)' = Xyes && "$$@" --recheck)

check-system: all tests/atconfig tests/atlocal $(SYSTEM_TESTSUITE)
	@if test "`id -u`" != 0; then \
	  echo "check-system: the system tests need root (network namespaces, veth pairs)" >&2; \
	  exit 1; \
	fi
	set $(SHELL) '$(SYSTEM_TESTSUITE)' -C tests; \
	"$$@" $(TESTSUITEFLAGS) -j1 || \
	(test X'$(RECHECK)' = Xyes && "$$@" --recheck)

# The VM (tests/vm/run-vm) shares the source and build trees with the
# guest by virtio-9p at the same paths and runs the suite there; its work
# files and console log are in tests/vm/ of the build tree.  Exit status 77
# (skipped) when qemu cannot run here.
check-kernel: all tests/atconfig tests/atlocal $(KERNEL_TESTSUITE)
	@if test "`id -u`" != 0; then \
	  echo "check-kernel: the VM needs root (a Debian root in /var/cache, chroot)" >&2; \
	  exit 1; \
	fi
	$(srcdir)/tests/vm/run-vm --builddir '$(abs_builddir)/tests' -- $(TESTSUITEFLAGS)

clean-local: clean-tests
clean-tests:
	rm -rf tests/testsuite.dir tests/testsuite.log \
	  tests/system-testsuite.dir tests/system-testsuite.log \
	  tests/system-kernel-testsuite.dir tests/system-kernel-testsuite.log \
	  tests/vm

# autom4te's cache of the testsuites (in-tree, autoreconf's too).
distclean-local: distclean-tests
distclean-tests:
	rm -rf autom4te.cache

.PHONY: check-system check-kernel clean-tests distclean-tests
