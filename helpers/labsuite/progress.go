package labsuite

import (
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/reporters"

	"github.com/spiffe-labs/spiffe-labs/helpers/lab"
	"github.com/spiffe-labs/spiffe-labs/helpers/repo"
)

// ProgressDir is the folder, relative to the repository root, that holds the
// Ginkgo JSON report of each lab's last run. `labs status` reads it.
const ProgressDir = ".labs/progress"

// RecordProgress registers a ReportAfterSuite node that writes the run's
// report to ProgressDir/<id>.json, so the learner's progress survives the
// run. Call it once per suite, at package level:
//
//	var _ = labsuite.RecordProgress(thisLab)
func RecordProgress(l *lab.Lab) bool {
	ReportAfterSuite("record "+l.Name()+" progress", func(report Report) {
		// A run focused on another lab (ginkgo -focus lab-02 ./labs/...)
		// skips every spec here; it must not overwrite this lab's last result.
		if report.PreRunStats.SpecsThatWillRun == 0 {
			return
		}
		root, err := repo.Root()
		if err != nil {
			return
		}
		path := filepath.Join(root, ProgressDir, l.ID+".json")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			GinkgoWriter.Printf("failed to record progress: %v\n", err)
			return
		}
		if err := reporters.GenerateJSONReport(report, path); err != nil {
			GinkgoWriter.Printf("failed to record progress: %v\n", err)
		}
	})
	return true
}
