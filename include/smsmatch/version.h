/* SPDX-License-Identifier: GPL-2.0-or-later */
/* version.h - the release number every program prints with --version. */
#ifndef SMSMATCH_VERSION_H
#define SMSMATCH_VERSION_H

#define SMSMATCH_VERSION "0.1.0"

#endif
