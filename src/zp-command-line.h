/* zp-command-line.h: the commands given on the command line, each answered when its work is done
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "zp-application.h"

G_BEGIN_DECLS

/* Exit statuses of the command line. */
#define ZP_EXIT_OK      0
#define ZP_EXIT_FAILED  1
#define ZP_EXIT_USAGE   2

/* Runs --status, --get-status, --set-token, --sign-in or --sign-out, after checking which
 * options go together. Returns the exit status, or -1 when the options name none of these
 * commands and the application goes on with the rest. */
int  zp_command_line_run              (ZpApplication           *application,
                                       GApplicationCommandLine *command_line);

/* In the invoking process, before the command line is forwarded: when a secret is to be typed
 * at the terminal on standard input, asks for it and turns off the echo there. */
void zp_command_line_prepare_terminal (GVariantDict            *options);

/* Turns the echo back on, if zp_command_line_prepare_terminal() turned it off. */
void zp_command_line_restore_terminal (void);

G_END_DECLS
