// MainWindow's people commands (main_window.hpp): rename, merge, split and save
// the run's people, and showing them in the face panel and the timeline.
#include "emoscope/ui/main_window.hpp"

#include <QDir>
#include <QFileInfo>
#include <QStatusBar>

#include "emoscope/ui/analysis_controller.hpp"
#include "emoscope/ui/convert.hpp"
#include "emoscope/ui/face_panel.hpp"
#include "emoscope/ui/person_names.hpp"
#include "emoscope/ui/session_controller.hpp"
#include "emoscope/ui/timeline.hpp"

namespace emoscope::ui {

void MainWindow::showPeople(bool analysis) {
  faces_->clear();  // the cards and histories of another run's people
  faces_->setPeople(sessions_->people());
  faces_->setPortraits(sessions_->portraits());
  if (analysis) analysis_->setPeople(sessions_->people());
}

void MainWindow::peopleEdited(const QString& message) {
  faces_->peopleChanged();
  analysis_->timeline()->peopleChanged();
  statusBar()->showMessage(message, 8000);
}

bool MainWindow::renamePerson(int person, const QString& name) {
  const std::shared_ptr<People>& people = sessions_->people();
  if (!people || person <= 0) {
    reportError(tr("Rename"), tr("There is no person to rename: identities are off or nothing has run yet."));
    return false;
  }
  const QString before = key_name(people->canonical(person), people.get());
  people->rename(person, sstr(name.trimmed()));
  peopleEdited(name.trimmed().isEmpty() ? tr("%1 has no name now.").arg(before)
                                        : tr("%1 is now called %2.").arg(before, name.trimmed()));
  return true;
}

bool MainWindow::mergePeople(int into, int from) {
  const std::shared_ptr<People>& people = sessions_->people();
  if (!people || into <= 0 || from <= 0 || people->canonical(into) == people->canonical(from)) {
    reportError(tr("Merge"), tr("There are no two people to merge."));
    return false;
  }
  const QString from_name = key_name(people->canonical(from), people.get());
  const QString into_name = key_name(people->canonical(into), people.get());
  people->merge(into, from);
  peopleEdited(tr("%1 is now part of %2.").arg(from_name, into_name));
  return true;
}

bool MainWindow::splitTrack(int track) {
  const std::shared_ptr<People>& people = sessions_->people();
  if (!people || mode() == Mode::kIdle) {
    reportError(tr("Split"), people ? tr("A track can only be split off while the source runs.")
                                    : tr("There are no people: identities are off or nothing has run yet."));
    return false;
  }
  people->request_split(track);
  statusBar()->showMessage(tr("Track #%1 becomes a new person on the next frame.").arg(track), 8000);
  return true;
}

int MainWindow::namedPeople() const {
  const std::shared_ptr<People>& people = sessions_->people();
  if (!people) return 0;
  int named = 0;
  for (const PersonInfo& p : people->list()) named += p.name.empty() ? 0 : 1;
  return named;
}

bool MainWindow::savePeople(const QString& path) {
  const std::shared_ptr<People>& people = sessions_->people();
  if (!people || !sessions_->peopleEmbedder()) {
    reportError(tr("Save people"), tr("There are no people to save: identities are off or nothing has run yet."));
    return false;
  }
  const int named = namedPeople();
  if (named == 0) {
    reportError(tr("Save people"), tr("No one is named yet. Rename people on their cards first: only named people are saved."));
    return false;
  }
  if (path.isEmpty()) {
    reportError(tr("Save people"), tr("No file was chosen."));
    return false;
  }
  const QString folder = QFileInfo(path).absolutePath();
  if (!QDir().mkpath(folder)) {
    reportError(tr("Save people"), tr("Cannot create %1.").arg(folder));
    return false;
  }
  if (const MaybeError s = people->save(sstr(path), *sessions_->peopleEmbedder())) {
    reportError(tr("Save people"), qstr(s->message));
    return false;
  }
  const bool in_use = settings_.identities && QFileInfo(settings_.people_gallery) == QFileInfo(path);
  statusBar()->showMessage(in_use ? tr("Saved the people you named (%1) to %2.").arg(named).arg(path)
                                  : tr("Saved the people you named (%1) to %2. Choose it in Settings → Known people "
                                       "to recognise them in later sessions.").arg(named).arg(path),
                           15000);
  return true;
}

}  // namespace emoscope::ui
