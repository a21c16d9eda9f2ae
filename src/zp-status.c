/* zp-status.c: the presence statuses Zoom knows, their names, labels and icons
 *
 * Copyright 2026 The Zoom Presence authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "zp-status.h"

/* Themed names start with the application id so a Flatpak can export them. */
#define ICON(suffix) APP_ID "-" suffix

typedef struct
{
  ZpStatus    status;
  const char *api_name;
  const char *label;
  const char *icon_name;
  const char *aliases;  /* space separated, lower case, for the command line */
  gboolean    settable;
} ZpStatusInfo;

static const ZpStatusInfo status_info[] = {
  { ZP_STATUS_UNKNOWN, NULL, N_("Unknown"),
    ICON ("unknown"), "", FALSE },
  { ZP_STATUS_AVAILABLE, "Available", N_("Available"),
    ICON ("available"), "available online active free", TRUE },
  { ZP_STATUS_AWAY, "Away", N_("Away"),
    ICON ("away"), "away brb", TRUE },
  { ZP_STATUS_DO_NOT_DISTURB, "Do_Not_Disturb", N_("Do not disturb"),
    ICON ("do-not-disturb"), "dnd do-not-disturb donotdisturb", TRUE },
  { ZP_STATUS_BUSY, "Busy", N_("Busy"),
    ICON ("busy"), "busy", TRUE },
  { ZP_STATUS_OUT_OF_OFFICE, "Out_of_Office", N_("Out of office"),
    ICON ("out-of-office"), "ooo out-of-office outofoffice", TRUE },
  { ZP_STATUS_IN_CALENDAR_EVENT, "In_Calendar_Event", N_("In a calendar event"),
    ICON ("in-calendar-event"), "calendar event in-calendar-event", TRUE },
  { ZP_STATUS_PRESENTING, "Presenting", N_("Presenting"),
    ICON ("presenting"), "presenting", TRUE },
  { ZP_STATUS_IN_A_ZOOM_MEETING, "In_A_Zoom_Meeting", N_("In a Zoom meeting"),
    ICON ("in-meeting"), "meeting in-meeting", TRUE },
  { ZP_STATUS_ON_A_CALL, "On_A_Call", N_("On a call"),
    ICON ("on-a-call"), "call on-a-call", TRUE },
  { ZP_STATUS_OFFLINE, "Offline", N_("Offline"),
    ICON ("offline"), "", FALSE },
  { ZP_STATUS_MOBILE_SIGNED_IN, "Mobile_signed_in", N_("Signed in on mobile"),
    ICON ("available"), "", FALSE },
};

G_STATIC_ASSERT (G_N_ELEMENTS (status_info) == ZP_STATUS_LAST);

/* Other spellings Zoom's readers use for the same states. */
static const struct
{
  const char *name;
  ZpStatus    status;
} api_synonyms[] = {
  { "Do_No_Disturb", ZP_STATUS_DO_NOT_DISTURB },
  { "DoNotDisturb", ZP_STATUS_DO_NOT_DISTURB },
  { "In_A_Meeting", ZP_STATUS_IN_A_ZOOM_MEETING },
  { "In_Meeting", ZP_STATUS_IN_A_ZOOM_MEETING },
  { "In_A_Call", ZP_STATUS_ON_A_CALL },
  { "On_Call", ZP_STATUS_ON_A_CALL },
  { "In_A_Calendar_Event", ZP_STATUS_IN_CALENDAR_EVENT },
  { "Out_Of_Office", ZP_STATUS_OUT_OF_OFFICE },
  { "Mobile_Signed_In", ZP_STATUS_MOBILE_SIGNED_IN },
};

const ZpStatus zp_status_settable[] = {
  ZP_STATUS_AVAILABLE,
  ZP_STATUS_AWAY,
  ZP_STATUS_DO_NOT_DISTURB,
  ZP_STATUS_BUSY,
  ZP_STATUS_OUT_OF_OFFICE,
  ZP_STATUS_IN_CALENDAR_EVENT,
  ZP_STATUS_PRESENTING,
  ZP_STATUS_IN_A_ZOOM_MEETING,
  ZP_STATUS_ON_A_CALL,
  ZP_STATUS_UNKNOWN,
};

static const ZpStatusInfo *
lookup (ZpStatus status)
{
  if ((guint) status >= ZP_STATUS_LAST)
    return &status_info[ZP_STATUS_UNKNOWN];

  return &status_info[status];
}

const char *
zp_status_to_api_name (ZpStatus status)
{
  return lookup (status)->api_name;
}

/* Zoom's names differ by endpoint and age in case, underscores and wording; compare them
 * with both folded away so "in_a_zoom_meeting" and "InAZoomMeeting" match. */
static gboolean
names_match (const char *a,
             const char *b)
{
  while (*a != '\0' || *b != '\0')
    {
      while (*a == '_' || *a == '-' || *a == ' ')
        a++;
      while (*b == '_' || *b == '-' || *b == ' ')
        b++;

      if (g_ascii_tolower (*a) != g_ascii_tolower (*b))
        return FALSE;

      if (*a == '\0')
        return TRUE;

      a++;
      b++;
    }

  return TRUE;
}

ZpStatus
zp_status_from_api_name (const char *name)
{
  if (name == NULL || *name == '\0')
    return ZP_STATUS_UNKNOWN;

  for (guint i = 1; i < G_N_ELEMENTS (status_info); i++)
    {
      if (names_match (name, status_info[i].api_name))
        return status_info[i].status;
    }

  for (guint i = 0; i < G_N_ELEMENTS (api_synonyms); i++)
    {
      if (names_match (name, api_synonyms[i].name))
        return api_synonyms[i].status;
    }

  return ZP_STATUS_UNKNOWN;
}

gboolean
zp_status_parse_user_text (const char *text,
                           ZpStatus   *out_status)
{
  g_autofree char *trimmed = NULL;
  g_autofree char *folded = NULL;

  g_return_val_if_fail (out_status != NULL, FALSE);

  if (text == NULL)
    return FALSE;

  trimmed = g_strstrip (g_strdup (text));
  folded = g_ascii_strdown (trimmed, -1);
  if (*folded == '\0')
    return FALSE;

  for (guint i = 1; i < G_N_ELEMENTS (status_info); i++)
    {
      g_auto(GStrv) aliases = NULL;

      if (!status_info[i].settable)
        continue;

      if (names_match (folded, status_info[i].api_name))
        {
          *out_status = status_info[i].status;
          return TRUE;
        }

      aliases = g_strsplit (status_info[i].aliases, " ", -1);
      if (g_strv_contains ((const char * const *) aliases, folded))
        {
          *out_status = status_info[i].status;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
zp_status_get_label (ZpStatus status)
{
  return g_dgettext (GETTEXT_PACKAGE, lookup (status)->label);
}

const char *
zp_status_get_icon_name (ZpStatus status)
{
  return lookup (status)->icon_name;
}

gboolean
zp_status_is_settable (ZpStatus status)
{
  return lookup (status)->settable;
}

char *
zp_status_dup_aliases (void)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; zp_status_settable[i] != ZP_STATUS_UNKNOWN; i++)
    {
      const ZpStatusInfo *info = lookup (zp_status_settable[i]);

      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append (text, info->api_name);
      g_string_append_printf (text, " (%s)", info->aliases);
    }

  return g_string_free (text, FALSE);
}
