/* main.c: the zoom-presence executable
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "zp-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(ZpApplication) application = NULL;
  int status;

  /* Started with standard input closed: the next file opened would become fd 0 and be read
   * as the token. An empty standard input is what such a caller means. */
  if (fcntl (STDIN_FILENO, F_GETFD) == -1 && errno == EBADF)
    {
      int fd = open ("/dev/null", O_RDONLY);

      if (fd > STDIN_FILENO)
        close (fd);
    }

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  application = zp_application_new ();
  status = g_application_run (G_APPLICATION (application), argc, argv);
  zp_application_restore_terminal (application);

  return status != 0 ? status : zp_application_get_exit_status (application);
}
