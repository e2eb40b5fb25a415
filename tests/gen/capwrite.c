/* capwrite.c: pcap and pcapng writers (see capwrite.h). */
#include "capwrite.h"

#include <string.h>

#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du
#define PCAPNG_SHB 0x0a0d0d0au
#define PCAPNG_IDB 0x00000001u
#define PCAPNG_EPB 0x00000006u
#define PCAPNG_BYTE_ORDER 0x1a2b3c4du

enum { OPT_END = 0, OPT_COMMENT = 1, SHB_USERAPPL = 4, IF_NAME = 2,
       IF_TSRESOL = 9 };

/* Every byte goes through here, so that a limit can cut a file short
 * in the middle of any record. */
static void emit(struct capw *w, const void *p, size_t n)
{
	if (w->limit && w->written + n > w->limit)
		n = w->written < w->limit ? (size_t)(w->limit - w->written) : 0;
	if (n && fwrite(p, 1, n, w->f) != n)
		w->failed = true;
	w->written += n;
}

static void emit_le16(struct capw *w, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	emit(w, b, 2);
}

static void emit_le32(struct capw *w, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 24) };

	emit(w, b, 4);
}

static void emit_zeros(struct capw *w, size_t n)
{
	static const uint8_t zero[8];

	while (n) {
		size_t k = n < sizeof zero ? n : sizeof zero;

		emit(w, zero, k);
		n -= k;
	}
}

static size_t pad4(size_t n)
{
	return (4 - n % 4) % 4;
}

/* A pcapng option: code, length, value, padding. */
static size_t opt_size(size_t len)
{
	return 4 + len + pad4(len);
}

static void emit_opt(struct capw *w, uint16_t code, const void *v, size_t len)
{
	emit_le16(w, code);
	emit_le16(w, (uint16_t)len);
	emit(w, v, len);
	emit_zeros(w, pad4(len));
}

static void pcapng_shb(struct capw *w)
{
	static const char appl[] = "lucsaudit tests/gen-pcaps";
	uint32_t total = 28 + (uint32_t)opt_size(sizeof appl - 1) + 4;

	emit_le32(w, PCAPNG_SHB);
	emit_le32(w, total);
	emit_le32(w, PCAPNG_BYTE_ORDER);
	emit_le16(w, 1);			/* major version */
	emit_le16(w, 0);			/* minor version */
	emit_le32(w, 0xffffffffu);		/* section length: unknown */
	emit_le32(w, 0xffffffffu);
	emit_opt(w, SHB_USERAPPL, appl, sizeof appl - 1);
	emit_le32(w, 0);			/* opt_endofopt */
	emit_le32(w, total);
}

static void pcapng_idb(struct capw *w, const struct cap_iface *ifc)
{
	size_t namelen = ifc->name ? strlen(ifc->name) : 0;
	uint32_t total = 20 + 4;

	if (namelen)
		total += (uint32_t)opt_size(namelen);
	if (ifc->tsresol != 6)
		total += (uint32_t)opt_size(1);
	emit_le32(w, PCAPNG_IDB);
	emit_le32(w, total);
	emit_le16(w, (uint16_t)ifc->linktype);
	emit_le16(w, 0);			/* reserved */
	emit_le32(w, ifc->snaplen);
	if (namelen)
		emit_opt(w, IF_NAME, ifc->name, namelen);
	if (ifc->tsresol != 6)
		emit_opt(w, IF_TSRESOL, &ifc->tsresol, 1);
	emit_le32(w, 0);			/* opt_endofopt */
	emit_le32(w, total);
}

bool capw_open(struct capw *w, const char *path, enum cap_format fmt,
	       const struct cap_iface *ifaces, size_t nifaces)
{
	memset(w, 0, sizeof *w);
	if (nifaces == 0 || nifaces > sizeof w->tsresol ||
	    (fmt != CAP_PCAPNG && nifaces != 1))
		return false;
	w->f = fopen(path, "wb");
	if (!w->f)
		return false;
	w->fmt = fmt;
	w->nifaces = nifaces;
	if (fmt == CAP_PCAPNG) {
		pcapng_shb(w);
		for (size_t i = 0; i < nifaces; i++) {
			w->tsresol[i] = ifaces[i].tsresol ? ifaces[i].tsresol : 6;
			pcapng_idb(w, &(struct cap_iface){
				ifaces[i].linktype, ifaces[i].snaplen,
				w->tsresol[i], ifaces[i].name });
		}
		return !w->failed;
	}
	emit_le32(w, fmt == CAP_PCAP_NS ? PCAP_MAGIC_NS : PCAP_MAGIC_US);
	emit_le16(w, 2);			/* version 2.4 */
	emit_le16(w, 4);
	emit_le32(w, 0);			/* thiszone */
	emit_le32(w, 0);			/* sigfigs */
	emit_le32(w, ifaces[0].snaplen);
	emit_le32(w, ifaces[0].linktype);
	return !w->failed;
}

static void pcapng_epb(struct capw *w, uint32_t iface, int64_t ts_ns,
		       const uint8_t *data, uint32_t caplen, uint32_t wirelen,
		       const char *comment)
{
	size_t clen = comment ? strlen(comment) : 0;
	uint64_t ts = w->tsresol[iface] == 9 ? (uint64_t)ts_ns
					      : (uint64_t)(ts_ns / 1000);
	uint32_t total = 28 + caplen + (uint32_t)pad4(caplen) + 4;

	if (clen)
		total += (uint32_t)opt_size(clen) + 4;
	emit_le32(w, PCAPNG_EPB);
	emit_le32(w, total);
	emit_le32(w, iface);
	emit_le32(w, (uint32_t)(ts >> 32));
	emit_le32(w, (uint32_t)ts);
	emit_le32(w, caplen);
	emit_le32(w, wirelen);
	emit(w, data, caplen);
	emit_zeros(w, pad4(caplen));
	if (clen) {
		emit_opt(w, OPT_COMMENT, comment, clen);
		emit_le32(w, 0);		/* opt_endofopt */
	}
	emit_le32(w, total);
}

void capw_packet(struct capw *w, uint32_t iface, int64_t ts_ns,
		 const uint8_t *data, uint32_t caplen, uint32_t wirelen,
		 const char *comment)
{
	int64_t sec = ts_ns / 1000000000, frac = ts_ns % 1000000000;

	if (iface >= w->nifaces) {
		w->failed = true;
		return;
	}
	if (w->fmt == CAP_PCAPNG) {
		pcapng_epb(w, iface, ts_ns, data, caplen, wirelen, comment);
		return;
	}
	capw_record(w, (uint32_t)sec,
		    (uint32_t)(w->fmt == CAP_PCAP_NS ? frac : frac / 1000), data,
		    caplen, wirelen);
}

void capw_record(struct capw *w, uint32_t sec, uint32_t frac,
		 const uint8_t *data, uint32_t caplen, uint32_t wirelen)
{
	if (w->fmt == CAP_PCAPNG) {
		w->failed = true;
		return;
	}
	emit_le32(w, sec);
	emit_le32(w, frac);
	emit_le32(w, caplen);
	emit_le32(w, wirelen);
	emit(w, data, caplen);
}

bool capw_close(struct capw *w)
{
	bool ok = !w->failed;

	if (fclose(w->f) != 0)
		ok = false;
	w->f = NULL;
	return ok;
}
