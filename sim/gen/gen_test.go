package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/schema"
)

// vmMapper is a mapper written as the engine's are (VmBaseMapper.java,
// abridged): unconditional writes, writes under conditions, a helper, a
// local structure attached after it is filled, a getter chain.
const vmMapper = `
public class VmBaseMapper {
    protected static void mapCommonEntityToModel(VmBase model, org.ovirt.engine.core.common.businessentities.VmBase entity) {
        model.setName(entity.getName()); // a comment
        model.setDescription(entity.getDescription());
        Io io = model.getIo();
        if (io == null) {
            io = new Io();
            model.setIo(io);
        }
        io.setThreads(entity.getNumOfIoThreads());
        if (entity.getCreationDate() != null) {
            model.setCreationTime(DateMapper.map(entity.getCreationDate(), null));
        }
        MemoryPolicy policy = new MemoryPolicy();
        policy.setGuaranteed((long) entity.getMinAllocatedMem() * (long) BYTES_PER_MB);
        policy.setBallooning(entity.isBalloonEnabled());
        model.setMemoryPolicy(policy);
        model.setCpu(new Cpu());
        model.getCpu().setMode(entity.getCpuMode());
        for (Guid g : entity.getHosts()) {
            model.setStateless(true);
        }
        switch (entity.getQueues()) {
            case -1:
                model.setMultiQueuesEnabled(true);
                break;
        }
    }
    @Mapping(from = org.ovirt.engine.core.common.businessentities.VM.class, to = Vm.class)
    public static Vm map(org.ovirt.engine.core.common.businessentities.VM entity, Vm template) {
        Vm model = template != null ? template : new Vm();
        mapCommonEntityToModel(model, entity.getStaticData());
        model.setComment("text with ; and } inside");
        return model;
    }
}
`

// TestMapperWrites reads the mapper above: what it writes whatever the
// data, and what it writes only under a condition.
func TestMapperWrites(t *testing.T) {
	m, err := schema.V4()
	if err != nil {
		t.Fatal(err)
	}
	mp := &mappers{m: m, methods: map[string][]method{}, to: map[string][]method{}}
	toks, err := tokenize(vmMapper)
	if err != nil {
		t.Fatal(err)
	}
	for _, meth := range methods("VmBaseMapper.java", toks) {
		mp.methods[meth.name] = append(mp.methods[meth.name], meth)
		if tt := mp.modelType(meth.to); tt != nil {
			mp.to[tt.Name] = append(mp.to[tt.Name], meth)
		}
	}
	got := mp.mapped()["Vm"]
	for _, want := range []string{"name", "description", "io", "io.threads", "memory_policy", "memory_policy.guaranteed",
		"memory_policy.ballooning", "cpu", "cpu.mode", "comment"} {
		if got[want] == nil {
			t.Errorf("%s not written unconditionally; got %v", want, keys(got))
		}
	}
	for _, not := range []string{"creation_time", "stateless", "multi_queues_enabled"} {
		if got[not] != nil {
			t.Errorf("%s is written under a condition, not always", not)
		}
	}
	backend := map[string]backendField{
		"VmBase.getDescription": {"String", `""`, "VmBase.java"},
		"VmBase.getName":        {"String", "", "VmBase.java"},
	}
	for path, want := range map[string]string{
		"description":              `VmBase.getDescription is String = ""`,
		"name":                     "", // may be null: no initial value
		"memory_policy":            "an object the mapper makes",
		"memory_policy.guaranteed": "a primitive expression",
		"memory_policy.ballooning": "a boolean getter",
		"comment":                  "a literal",
	} {
		why, _ := classify(got[path][0], backend)
		if !strings.HasPrefix(why, want) || (want == "" && why != "") {
			t.Errorf("%s: %q, want %q", path, why, want)
		}
	}
}

func keys(m map[string][]write) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestTableIsFresh regenerates the table from the reference material and
// compares it with the committed sim/always.tsv (make sim-always).
func TestTableIsFresh(t *testing.T) {
	shared := filepath.Join("..", "..", "..", "shared", "ovirt")
	if _, err := os.Stat(filepath.Join(shared, "traffic")); err != nil {
		t.Skip("../shared/ovirt is absent (a fresh clone): the committed table stands")
	}
	out := filepath.Join(t.TempDir(), "always.tsv")
	if err := run(shared, out, "backend.tsv", false); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("..", "always.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("sim/always.tsv is not what the generator makes of the reference material: run make sim-always")
	}
}
