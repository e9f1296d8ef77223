#include "emoscope/ui/i18n.hpp"

#include <QCoreApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QTranslator>

namespace emoscope::ui {

QStringList available_translations() {
  QStringList languages;
  for (const QString& file : QDir(":/i18n").entryList({"emoscope_*.qm"}, QDir::Files, QDir::Name))
    languages << file.mid(9, file.size() - 9 - 3);  // emoscope_<lang>.qm
  return languages;
}

QString install_translations(const QLocale& locale) {
  auto* app_translator = new QTranslator(QCoreApplication::instance());
  if (!app_translator->load(locale, "emoscope", "_", ":/i18n")) {
    delete app_translator;
    return {};
  }
  QCoreApplication::installTranslator(app_translator);
  auto* qt_translator = new QTranslator(QCoreApplication::instance());
  if (qt_translator->load(locale, "qtbase", "_", QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
    QCoreApplication::installTranslator(qt_translator);
  else
    delete qt_translator;
  return app_translator->language();
}

}  // namespace emoscope::ui
