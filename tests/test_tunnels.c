/* test_tunnels.c: tunnel paths interned: the same path the same number
 * whichever way its packets went, another session or type another one,
 * the room bounded. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "tunables.h"
#include "tunnels.h"

static struct frame_extra path(uint8_t type, uint8_t a, uint8_t b,
			       uint32_t id)
{
	struct frame_extra x;

	memset(&x, 0, sizeof x);
	x.depth = 1;
	x.layer[0].type = type;
	x.layer[0].family = 4;
	x.layer[0].has_id = id != 0;
	x.layer[0].id = id;
	x.layer[0].src[0] = 10;
	x.layer[0].src[3] = a;
	x.layer[0].dst[0] = 10;
	x.layer[0].dst[3] = b;
	return x;
}

static void test_tunnels_intern(void **state)
{
	const struct hash_key seed = { 3, 4 };
	struct tunnel_table *t = tunnel_table_new(&seed);
	struct frame_extra vx = path(TUNNEL_VXLAN, 1, 2, 100);
	struct frame_extra back = path(TUNNEL_VXLAN, 2, 1, 100);
	struct frame_extra other = path(TUNNEL_VXLAN, 1, 2, 200);
	struct frame_extra gre = path(TUNNEL_GRE, 1, 2, 100);
	struct frame_extra two = vx;
	uint16_t id;

	(void)state;
	assert_non_null(t);
	id = tunnel_intern(t, &vx);
	assert_int_equal(id, 1);
	assert_int_equal(tunnel_intern(t, &vx), 1);
	assert_int_equal(tunnel_intern(t, &back), 1);	/* either way */
	assert_int_equal(tunnel_intern(t, &other), 2);	/* another VNI */
	assert_int_equal(tunnel_intern(t, &gre), 3);	/* another type */
	two.depth = 2;
	two.layer[1] = gre.layer[0];
	assert_int_equal(tunnel_intern(t, &two), 4);	/* deeper */
	/* the path as first seen */
	assert_int_equal(tunnel_path(t, 1)->layer[0].src[3], 1);
	assert_int_equal(tunnel_path(t, 4)->depth, 2);
	assert_null(tunnel_path(t, 0));
	assert_null(tunnel_path(t, 5));
	tunnel_table_free(t);
}

/* Past the room, new paths share the last number and are counted. */
static void test_tunnels_full(void **state)
{
	const struct hash_key seed = { 5, 6 };
	struct tunnel_table *t = tunnel_table_new(&seed);

	(void)state;
	for (uint32_t i = 0; i < LUCS_TUNNEL_PATHS; i++) {
		struct frame_extra x = path(TUNNEL_VXLAN, 1, 2, i + 1);

		assert_int_equal(tunnel_intern(t, &x), i + 1);
	}
	{
		struct frame_extra x = path(TUNNEL_VXLAN, 1, 2, 999999);
		struct frame_extra old = path(TUNNEL_VXLAN, 2, 1, 7);

		assert_int_equal(tunnel_intern(t, &x), LUCS_TUNNEL_PATHS);
		assert_int_equal(tunnel_paths_merged(t), 1);
		assert_int_equal(tunnel_intern(t, &old), 7);	/* still found */
	}
	tunnel_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tunnels_intern),
		cmocka_unit_test(test_tunnels_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
