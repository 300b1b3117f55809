// SPDX-License-Identifier: GPL-2.0-only
/*
 * lguest-launch: boot a Linux kernel as a guest of the lg module.
 *
 * main() is the list of steps: read the options, map guest RAM, load the
 * kernel and initrd into it, write boot_params, the MP table and the
 * 64-bit boot state, open /dev/lguest, set up the devices, create the
 * vCPU and run it until the guest stops.  The exit codes are in
 * launcher.h and in --help.
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include "launcher.h"
#include "boot/file.h"
#include "boot/layout.h"
#include "legacy/legacy.h"
#include "virtio/devices.h"
#include "virtio/virtio.h"

#ifndef LG_VERSION
#define LG_VERSION "unknown"
#endif
#ifndef LG_DATADIR
#define LG_DATADIR "/usr/share/lguest"
#endif

/*
 * The serial console, a reset through the keyboard controller (so that
 * `reboot` ends lguest-launch), a panic that reboots at once instead of
 * hanging, and no ACPI: the MP table describes the machine.
 */
#define DEFAULT_CMDLINE	"console=ttyS0 reboot=k panic=-1 acpi=off"
#define DEFAULT_MEM	(256ULL << 20)
#define MAX_DISKS	8
#define MAX_NICS	4

/* PCI slots: pvpanic, console, entropy, then the disks, then the NICs. */
#define SLOT_PVPANIC	1
#define SLOT_CONSOLE	2
#define SLOT_RNG	3
#define SLOT_DISK0	4
#define SLOT_NIC0	(SLOT_DISK0 + MAX_DISKS)

struct options {
	uint64_t mem;
	unsigned int cpus;
	const char *kernel;
	const char *initrd;
	const char *append;
	const char *disks[MAX_DISKS];
	unsigned int nr_disks;
	const char *nics[MAX_NICS];	/* --net specs; "none" is none */
	unsigned int nr_nics;
	int verbose;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: lguest-launch [OPTIONS] [KERNEL]\n"
		"Boot KERNEL (an x86-64 bzImage or vmlinux, or a multiboot kernel) as a\n"
		"guest of the lg module.\n"
		"Without KERNEL, boot the default guest in " LG_DATADIR ".\n"
		"\n"
		"  -c, --cpus N        virtual CPUs (default 1, at most %d)\n"
		"  -m, --memory SIZE   guest RAM, with suffix K, M or G (default 256M, at least 32M)\n"
		"  -i, --initrd FILE   initial ramdisk\n"
		"  -a, --append ARGS   add to the kernel command line:\n"
		"                      \"" DEFAULT_CMDLINE "\"\n"
		"  -d, --disk FILE[,ro][,serial=ID]\n"
		"                      a virtio disk (vda, vdb, ...) on a raw image or block\n"
		"                      device; ro: read-only; may be given up to 8 times\n"
		"  -n, --net user[,hostfwd=tcp::HOSTPORT-:GUESTPORT]...[,mac=MAC]\n"
		"                      a virtio NIC (eth0, eth1, ...) on user-mode networking:\n"
		"                      the guest is 10.0.2.15 by DHCP, the host 10.0.2.2;\n"
		"                      hostfwd forwards a host port (tcp or udp) to the guest\n"
		"  -n, --net tap=NAME[,mac=MAC]\n"
		"                      a virtio NIC on the existing tap device NAME\n"
		"  -n, --net none      no network; without --net the guest gets --net user;\n"
		"                      may be given up to 4 times\n"
		"  -v, --verbose       say what was loaded where, and count exits at the end\n"
		"  -h, --help          show this help\n"
		"  -V, --version       show the version\n"
		"\n"
		"The guest's console (hvc0) is this terminal, and its boot messages come\n"
		"through the serial port (ttyS0); Ctrl-] quits.  The guest also gets a\n"
		"virtio entropy source.\n"
		"\n"
		"Exit status: 0 when the guest powers off or reboots, the value it wrote to\n"
		"the debug-exit port (0x501) if it did, or (V << 1) | 1 for a V written\n"
		"to QEMU's isa-debug-exit (0xf4), 1 for bad usage or input, 2 for a problem\n"
		"with the host (/dev/lguest, the lg module, AMD-V or VT-x), 3 when the guest\n"
		"crashed (panic, triple fault, or stopped by the module), 128+N on\n"
		"signal N.\n", LG_LAUNCH_MAX_VCPUS);
}

static void parse_cpus_option(const char *arg, unsigned int *cpus)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || n < 1 ||
	    n > LG_LAUNCH_MAX_VCPUS)
		die(EXIT_BAD_INPUT, "bad vCPU count '%s': give 1 to %d, e.g. -c 2",
		    arg, LG_LAUNCH_MAX_VCPUS);
	*cpus = n;
}

static void parse_mem_option(const char *arg, uint64_t *mem)
{
	uint64_t host = host_ram_size();
	int err = parse_mem_size(arg, mem);

	if (err == -ERANGE)
		die(EXIT_BAD_INPUT, "memory size '%s' is too large", arg);
	if (err)
		die(EXIT_BAD_INPUT, "bad memory size '%s': give a number with K, M or G, e.g. -m 512M",
		    arg);
	err = check_mem_size(*mem, host);
	if (err == -EINVAL)
		die(EXIT_BAD_INPUT, "memory size '%s' is too small: a guest needs at least %lluM",
		    arg, LAYOUT_MIN_RAM >> 20);
	if (err == -E2BIG)
		die(EXIT_BAD_INPUT, "memory size '%s' is more than this host's %lluM of RAM",
		    arg, (unsigned long long)(host >> 20));
}

static void parse_options(int argc, char **argv, struct options *opt)
{
	static const struct option longopts[] = {
		{ "cpus", required_argument, NULL, 'c' },
		{ "memory", required_argument, NULL, 'm' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "append", required_argument, NULL, 'a' },
		{ "disk", required_argument, NULL, 'd' },
		{ "net", required_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned int i;
	int c;

	memset(opt, 0, sizeof(*opt));
	opt->mem = DEFAULT_MEM;
	opt->cpus = 1;
	opterr = 0;	/* our own one-line messages */
	while ((c = getopt_long(argc, argv, ":c:m:i:a:d:n:vhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			parse_cpus_option(optarg, &opt->cpus);
			break;
		case 'm':
			parse_mem_option(optarg, &opt->mem);
			break;
		case 'i':
			opt->initrd = optarg;
			break;
		case 'a':
			opt->append = optarg;
			break;
		case 'd':
			if (opt->nr_disks == MAX_DISKS)
				die(EXIT_BAD_INPUT, "at most %d disks", MAX_DISKS);
			opt->disks[opt->nr_disks++] = optarg;
			break;
		case 'n':
			if (opt->nr_nics == MAX_NICS)
				die(EXIT_BAD_INPUT, "at most %d network cards", MAX_NICS);
			opt->nics[opt->nr_nics++] = optarg;
			break;
		case 'v':
			opt->verbose = 1;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_SUCCESS);
		case 'V':
			printf("lguest-launch " LG_VERSION "\n");
			exit(EXIT_SUCCESS);
		case ':':
			die(EXIT_BAD_INPUT, "option '%s' needs a value; try 'lguest-launch --help'",
			    argv[optind - 1]);
		default:
			die(EXIT_BAD_INPUT, "unknown option '%s'; try 'lguest-launch --help'",
			    argv[optind - 1]);
		}
	}
	if (!opt->nr_nics)
		opt->nics[opt->nr_nics++] = "user";	/* as kvmtool does */
	for (i = 0; i < opt->nr_nics; i++)
		if (!strcmp(opt->nics[i], "none") && opt->nr_nics > 1)
			die(EXIT_BAD_INPUT, "--net none goes alone");
	if (argc - optind > 1)
		die(EXIT_BAD_INPUT, "one kernel only; give other arguments to the guest with -a");
	if (optind < argc) {
		opt->kernel = argv[optind];
		return;
	}

	/* The default guest the packages install. */
	opt->kernel = LG_DATADIR "/bzImage";
	if (access(opt->kernel, F_OK))
		die(EXIT_BAD_INPUT, "no kernel given and no default guest in " LG_DATADIR
		    " — give a kernel: lguest-launch [OPTIONS] KERNEL");
	if (!opt->initrd && !access(LG_DATADIR "/initramfs.cpio.gz", F_OK))
		opt->initrd = LG_DATADIR "/initramfs.cpio.gz";
}

static void map_guest_ram(const struct options *opt, struct guest_ram *ram)
{
	int err = vm_map_ram(opt->mem);

	if (err)
		die(EXIT_HOST_ERROR, "cannot map %lluM of guest RAM: %s",
		    (unsigned long long)(opt->mem >> 20), strerror(-err));
	vm_get_ram(ram);
}

static void load_kernel(const struct options *opt, const struct guest_ram *ram,
			struct kernel_image *kernel)
{
	size_t len;
	void *file = file_read_all(opt->kernel, &len);

	if (!file)
		die(EXIT_BAD_INPUT, "kernel %s", boot_error());
	if (kernel_load(ram, file, len, kernel))
		die(EXIT_BAD_INPUT, "kernel %s: %s", opt->kernel, boot_error());
	free(file);
	if (opt->verbose)
		fprintf(stderr, "lguest-launch: %s %s at %#llx-%#llx, entry %#llx\n",
			kernel->is_multiboot ? "multiboot kernel" :
			kernel->is_elf ? "vmlinux" : "bzImage", opt->kernel,
			(unsigned long long)kernel->load_addr,
			(unsigned long long)kernel->end,
			(unsigned long long)kernel->entry);
}

/* Reads the initrd straight into guest RAM; returns its size, 0 if none. */
static uint64_t load_initrd(const struct options *opt,
			    const struct guest_ram *ram,
			    const struct kernel_image *kernel, uint64_t *addr)
{
	uint64_t size;
	int fd;

	*addr = 0;
	if (!opt->initrd)
		return 0;
	fd = file_open(opt->initrd, &size);
	if (fd < 0)
		die(EXIT_BAD_INPUT, "initrd %s", boot_error());
	if (size == 0)
		die(EXIT_BAD_INPUT, "initrd %s: empty file", opt->initrd);
	if (initrd_place(ram, kernel, size, addr))
		die(EXIT_BAD_INPUT, "initrd %s: %s", opt->initrd, boot_error());
	if (file_read_exact(fd, opt->initrd, ram->base + *addr, size))
		die(EXIT_BAD_INPUT, "initrd %s", boot_error());
	close(fd);
	if (opt->verbose)
		fprintf(stderr, "lguest-launch: initrd %s at %#llx-%#llx\n",
			opt->initrd, (unsigned long long)*addr,
			(unsigned long long)(*addr + size));
	return size;
}

/*
 * A Linux kernel gets our command line and boot_params; a multiboot one,
 * as from QEMU, its file name and -a, and the multiboot information with
 * the initrd as its module.  Both get the MP table.
 */
static void write_boot_data(const struct options *opt,
			    const struct guest_ram *ram,
			    const struct kernel_image *kernel,
			    uint64_t initrd_addr, uint64_t initrd_size)
{
	const char *base = kernel->is_multiboot ? opt->kernel : DEFAULT_CMDLINE;
	char cmdline[LAYOUT_CMDLINE_MAX];
	int n, err;

	n = snprintf(cmdline, sizeof(cmdline), "%s%s%s", base,
		     opt->append ? " " : "", opt->append ? opt->append : "");
	if (n < 0 || (size_t)n >= sizeof(cmdline))
		die(EXIT_BAD_INPUT, "kernel command line too long (-a)");
	if (kernel->is_multiboot)
		err = multiboot_info_setup(ram, cmdline, initrd_addr, initrd_size,
					   opt->initrd ? opt->initrd : "");
	else
		err = zero_page_setup(ram, kernel, cmdline, initrd_addr, initrd_size);
	if (err || mptable_setup(ram, opt->cpus))
		die(EXIT_BAD_INPUT, "%s", boot_error());
	if (opt->verbose)
		fprintf(stderr, "lguest-launch: %lluM of RAM, command line \"%s\"\n",
			(unsigned long long)(opt->mem >> 20), cmdline);
}

/*
 * The PC the guest sees besides RAM and LAPIC (legacy/), and the virtio
 * devices on its PCI bus (virtio/).  The IOAPIC comes first, as the
 * others raise its pins.  The console has stdin, so the serial port,
 * which carries the boot messages, has no input.
 */
static void devices_init(const struct options *opt)
{
	unsigned int i;

	if (ioapic_init(opt->cpus) || serial_init(-1, STDOUT_FILENO) ||
	    i8042_init() || rtc_init() || debug_exit_init() || testdev_init() ||
	    pci_init() || pvpanic_init(SLOT_PVPANIC) ||
	    virtio_console_init(SLOT_CONSOLE, STDIN_FILENO, STDOUT_FILENO) ||
	    virtio_rng_init(SLOT_RNG))
		die(EXIT_HOST_ERROR, "cannot set up the guest's devices");
	for (i = 0; i < opt->nr_disks; i++)
		if (virtio_blk_add(opt->disks[i], SLOT_DISK0 + i))
			die(EXIT_HOST_ERROR, "cannot set up the guest's disk %s", opt->disks[i]);
	for (i = 0; i < opt->nr_nics; i++)
		if (strcmp(opt->nics[i], "none") &&
		    virtio_net_add(opt->nics[i], SLOT_NIC0 + i))
			die(EXIT_HOST_ERROR, "cannot set up the guest's network card %s",
			    opt->nics[i]);
	atexit(serial_flush);	/* the guest's last words, on every exit */
}

int main(int argc, char **argv)
{
	struct options opt;
	struct guest_ram ram;
	struct kernel_image kernel;
	struct lg_vcpu_init boot_cpu;
	uint64_t initrd_addr, initrd_size;
	int status;

	parse_options(argc, argv, &opt);
	map_guest_ram(&opt, &ram);
	load_kernel(&opt, &ram, &kernel);
	initrd_size = load_initrd(&opt, &ram, &kernel, &initrd_addr);
	write_boot_data(&opt, &ram, &kernel, initrd_addr, initrd_size);
	if (kernel.is_multiboot)
		multiboot_entry_setup(&ram, kernel.entry, &boot_cpu);
	else
		long_mode_setup(&ram, kernel.entry, &boot_cpu);

	vm_open();
	signals_setup();
	devices_init(&opt);
	vcpu_create(&boot_cpu, opt.cpus);
	term_setup();
	if (serial_start())
		die(EXIT_HOST_ERROR, "cannot start reading the console input");

	status = vcpu_run();

	serial_exit();
	if (opt.verbose) {
		vcpu_print_stats();
		virtio_print_stats();
	}
	return status;
}
