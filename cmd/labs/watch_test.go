package main_test

import (
	"io"
	"os"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"
)

var _ = Describe("watch", func() {
	It("reruns on a change and on Enter, and stops on q", func() {
		r := newFixtureRepository("passing_lab")
		// An *os.File, unlike an io.Pipe, goes to the process as it is, so
		// waiting for the process does not wait for the pipe to close.
		stdin, keyboard, err := os.Pipe()
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(stdin.Close)
		DeferCleanup(keyboard.Close)

		session := r.StartLabs(stdin, "watch", "a01")
		DeferCleanup(func() { session.Kill().Wait(time.Minute) })

		// The first run starts at once.
		Eventually(session).WithTimeout(commandTimeout).Should(gbytes.Say(`lab-01 \(a01\): 3 passed, 0 failed of 3 specs`))
		Eventually(session).Should(gbytes.Say(`Watching labs/a01/greet\.go: save to rerun, press Enter to rerun now, type q and Enter to stop\.`))

		// Saving the editable file reruns the lab with the new code.
		greet := r.ReadFile("labs", "a01", "greet.go")
		r.WriteFile(strings.Replace(greet, `"Hello, "`, `"Hi, "`, 1), "labs", "a01", "greet.go")
		Eventually(session).WithTimeout(commandTimeout).Should(gbytes.Say(`labs/a01/greet\.go changed; rerunning lab-01 \(a01\)\.`))
		Eventually(session).WithTimeout(commandTimeout).Should(gbytes.Say(`lab-01 \(a01\): 0 passed, 3 failed of 3 specs`))
		Eventually(session).Should(gbytes.Say(`Watching`))

		// Enter reruns at once, without a change.
		_, err = io.WriteString(keyboard, "\n")
		Expect(err).NotTo(HaveOccurred())
		Eventually(session).WithTimeout(commandTimeout).Should(gbytes.Say(`Enter pressed; rerunning lab-01 \(a01\)\.`))
		Eventually(session).WithTimeout(commandTimeout).Should(gbytes.Say(`lab-01 \(a01\): 0 passed, 3 failed of 3 specs`))
		Eventually(session).Should(gbytes.Say(`Watching`))

		_, err = io.WriteString(keyboard, "q\n")
		Expect(err).NotTo(HaveOccurred())
		Eventually(session).WithTimeout(time.Minute).Should(gexec.Exit(0))
	})
})
