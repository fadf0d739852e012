/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fault.c - reproducible randomness for the simulator's faults: which sends
 * fail (--cms-error-rate), which responses come with line noise first
 * (--garbage-rate).  One generator per modem, seeded by --seed, so a run
 * with the same seed and the same traffic fails the same way.
 */
#include "sim.h"

void sim_rng_seed(struct sim_rng *r, uint64_t seed)
{
	/* splitmix64 of the seed: a state that is never 0 */
	uint64_t z = seed + 0x9E3779B97F4A7C15ULL;

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	z ^= z >> 31;
	r->state = z ? z : 0x2545F4914F6CDD1DULL;
}

uint64_t sim_rng_next(struct sim_rng *r)
{
	uint64_t x = r->state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	r->state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

bool sim_rng_chance(struct sim_rng *r, double rate)
{
	if (rate <= 0)
		return false;
	if (rate >= 1)
		return true;
	/* 53 random bits as a double in [0, 1) */
	return (double)(sim_rng_next(r) >> 11) / 9007199254740992.0 < rate;
}

size_t sim_fault_garbage(struct sim_rng *r, char *buf)
{
	/* what a noisy USB serial line shows: NULs, 0xFF, stray symbols */
	static const char noise[] = {'\0', '\xff', '\xfe', '~',	   '#',
				     '%',  '\x7f', '$',	   '\x80', '\xc3'};
	size_t n = 1 + sim_rng_next(r) % 4;

	for (size_t i = 0; i < n; i++)
		buf[i] = noise[sim_rng_next(r) % sizeof(noise)];
	return n;
}
