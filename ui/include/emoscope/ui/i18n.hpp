// Translations of the desktop app. The app's strings are extracted with lupdate
// into ui/translations/emoscope_<lang>.ts (English, the source language, is the
// template new languages start from: `cmake --build build/release --target
// update_translations`), compiled by lrelease and embedded under :/i18n.
// install_translations() loads the best match for a locale, and Qt's own
// translations for its dialogs. UI thread, before the first window is built.
#pragma once

#include <QLocale>
#include <QString>
#include <QStringList>

namespace emoscope::ui {

// The languages compiled into the app, as locale names ("en", ...).
QStringList available_translations();
// Installs the app's and Qt's translators for `locale` on the running
// application; returns the language installed ("" when none matched, in which
// case the source strings, English, are shown).
QString install_translations(const QLocale& locale = QLocale());

}  // namespace emoscope::ui
