package metamodel

import (
	"strings"
	"testing"
	"testing/fstest"
)

// The sources below follow the model's own files (oVirt/ovirt-engine-api-
// model 4.6.1: types/HostNic.java, types/VideoType.java,
// services/VmService.java, services/VmsService.java), cut down.
var sample = fstest.MapFS{
	"types/Identified.java": {Data: []byte(`package types;
import org.ovirt.api.metamodel.annotations.Type;
/** An object with an id. */
@Type
public interface Identified {
    String id();
    String name();
}
`)},
	"types/Nic.java": {Data: []byte(`package types;
@Type
public interface Nic extends Identified {
    /** The interface. */
    @Deprecated
    NicInterface _interface();
    Boolean linked();
    @Link Statistic[] statistics();
    @Link Vm vm();
    Ip ipv6BootProtocol();
}
`)},
	"types/VideoType.java": {Data: []byte(`package types;
/* a block comment with "quotes" and @Deprecated inside */
@Type
public enum VideoType {
    /** The VGA type. */
    VGA,
    @Deprecated
    CIRRUS,
    QXL,
    BOCHS;
}
`)},
	"types/Vm.java": {Data: []byte(`package types;
@Type
public interface Vm extends Identified {
    Nic[] nics();
    @Link Cluster cluster();
}
`)},
	"types/Cluster.java": {Data: []byte(`package types;
@Type public interface Cluster extends Identified {}
`)},
	"services/VmsService.java": {Data: []byte(`package services;
import static org.ovirt.api.metamodel.language.ApiLanguage.mandatory;
@Service
@Area("Virtualization")
public interface VmsService {
    interface Add {
        @In @Out Vm vm();
        @In Boolean clone();
        @Deprecated
        @In String autoPinningPolicy();
        @InputDetail
        default void inputDetail() {
            or(mandatory(vm().cluster().id()), mandatory(vm().cluster().name()));
            optional(vm().nics()[COLLECTION].name());
            optional(clone());
        }
        interface FromScratch extends Add {
            @InputDetail
            default void inputDetail() {
                mandatory(vm().name());
            }
        }
        @Deprecated
        interface FromConfiguration extends Add {
            @In String configuration();
        }
    }
    interface List extends mixins.Follow {
        @Out Vm[] vms();
        @In Integer max();
    }
    @Service VmService vm(String id);
}
`)},
	"services/VmService.java": {Data: []byte(`package services;
@Service
public interface VmService extends MeasurableService {
    interface Get extends Follow { @Out Vm vm(); }
    @Deprecated
    interface Start {
        @In Boolean async();
        @In types.Vm vm();
    }
    @Service
    VmNicsService nics();
}
`)},
	"services/package-info.java":      {Data: []byte("/** services */\npackage services;\n")},
	"annotations/Area.java":           {Data: []byte("package annotations;\npublic @interface Area {\n    String[] value();\n}\n")},
	"services/SystemService.java":     {Data: []byte("package services;\n@Root\npublic interface SystemService {\n @Service Vms vms();\n}\n")},
	"services/MeasurableService.java": {Data: []byte("package services;\n@Service\npublic interface MeasurableService {\n @Service Statistics statistics();\n}\n")},
}

func TestRead(t *testing.T) {
	m, err := Read(sample, ".")
	if err != nil {
		t.Fatal(err)
	}
	nic := m.Types["Nic"]
	if nic == nil || len(nic.Bases) != 1 || nic.Bases[0] != "Identified" {
		t.Fatalf("Nic: %+v", nic)
	}
	want := []Member{
		{Name: "interface", XML: "interface", Type: "NicInterface", Deprecated: true},
		{Name: "linked", XML: "linked", Type: "Boolean"},
		{Name: "statistics", XML: "statistics", Type: "Statistic", List: true, Link: true},
		{Name: "vm", XML: "vm", Type: "Vm", Link: true},
		{Name: "ipv6BootProtocol", XML: "ipv6_boot_protocol", Type: "Ip"},
	}
	if len(nic.Members) != len(want) {
		t.Fatalf("Nic members: %+v", nic.Members)
	}
	for i, w := range want {
		if nic.Members[i] != w {
			t.Errorf("member %d: %+v, want %+v", i, nic.Members[i], w)
		}
	}
	vt := m.Enums["VideoType"]
	if vt == nil || len(vt.Values) != 4 || vt.Values[1] != (EnumValue{Value: "cirrus", Deprecated: true}) || vt.Values[0].Deprecated {
		t.Errorf("VideoType: %+v", vt)
	}
	if !m.Services["SystemService"].Root {
		t.Error("SystemService is the @Root service")
	}
	vms := m.Services["VmsService"]
	if l := vms.Locators; len(l) != 1 || l[0] != (Locator{Service: "VmService", Name: "vm", Segment: "vm", ByID: true}) {
		t.Errorf("VmsService locators: %+v", l)
	}
	if got := m.Services["SystemService"].Locators[0].Service; got != "VmsService" {
		t.Errorf("a located name without its Service suffix resolves to the service: %s", got)
	}
	list := vms.Method("List")
	if list == nil || len(list.Extends) != 1 || list.Extends[0] != "mixins.Follow" || list.Params[0].Dir != "out" || !list.Params[0].List {
		t.Errorf("List: %+v", list)
	}
	add := vms.Method("Add")
	if add == nil {
		t.Fatal("no Add")
	}
	var names []string
	for _, p := range add.Params {
		names = append(names, p.XML+":"+p.Dir)
	}
	if got := strings.Join(names, " "); got != "vm:inout clone:in auto_pinning_policy:in configuration:in" {
		t.Errorf("Add params: %s", got)
	}
	if !add.Param("autoPinningPolicy").Deprecated {
		t.Error("a deprecated parameter")
	}
	if len(add.Signatures) != 2 || add.Signatures[0].Name != "FromScratch" || add.Signatures[0].Deprecated || !add.Signatures[1].Deprecated || add.Signatures[1].Detail != nil {
		t.Errorf("Add signatures: %+v", add.Signatures)
	}
	d := add.Detail
	if d == nil || len(d.Clauses) != 3 {
		t.Fatalf("Add detail: %+v", d)
	}
	if c := d.Clauses[0]; !c.Mandatory || len(c.Alternatives) != 2 || c.Alternatives[0].String() != "vm.cluster.id" || c.Alternatives[1].String() != "vm.cluster.name" {
		t.Errorf("or clause: %+v", c)
	}
	if c := d.Clauses[1]; c.Mandatory || c.Alternatives[0].String() != "vm.nics[].name" {
		t.Errorf("collection clause: %+v", c)
	}
	if c := add.Signatures[0].Detail.Clauses[0]; !c.Mandatory || c.Alternatives[0].String() != "vm.name" {
		t.Errorf("signature's clause: %+v", c)
	}
	start := m.Services["VmService"].Method("Start")
	if start == nil || !start.Deprecated || start.Params[1].Type != "Vm" {
		t.Errorf("Start: %+v", start)
	}
	if m.Services["VmService"].Bases[0] != "MeasurableService" {
		t.Errorf("VmService bases: %v", m.Services["VmService"].Bases)
	}
}

func TestReadErrors(t *testing.T) {
	for name, src := range map[string]string{
		"unterminated comment":  "/** never closed\n@Type public interface A {}",
		"unterminated string":   "@Area(\"x) @Type public interface A {}",
		"unclosed interface":    "@Type public interface A {\n String a();\n",
		"not a declaration":     "@Type public class A {}",
		"index not COLLECTION":  "@Service public interface S { interface Add { @In A a(); @InputDetail default void d() { mandatory(a()[0].b()); } } }",
		"unknown clause":        "@Service public interface S { interface Add { @In A a(); @InputDetail default void d() { required(a().b()); } } }",
		"mixed or":              "@Service public interface S { interface Add { @In A a(); @InputDetail default void d() { or(mandatory(a().b()), optional(a().c())); } } }",
		"method declared twice": "@Service public interface S { interface Add {} interface Add {} }",
		"type declared twice":   "@Type public interface A {} @Type public enum A { X; }",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := Read(fstest.MapFS{"types/A.java": {Data: []byte(src)}}, "."); err == nil {
				t.Errorf("no error for %q", src)
			} else if !strings.Contains(err.Error(), "types/A.java") {
				t.Errorf("the error does not name the file: %v", err)
			}
		})
	}
}

func TestWords(t *testing.T) {
	for in, want := range map[string]string{
		"HostNic": "host nic", "OpenStackImage": "open stack image", "ipv6BootProtocol": "ipv6 boot protocol",
		"MDevType": "m dev type", "vm": "vm", "cpuSet": "cpu set", "IO": "io", "SshPublicKey": "ssh public key",
	} {
		if got := strings.Join(Words(in), " "); got != want {
			t.Errorf("Words(%s) = %s, want %s", in, got, want)
		}
	}
}

// FuzzParse: no input makes the reader of model sources panic or loop.
func FuzzParse(f *testing.F) {
	for _, file := range sample {
		f.Add(file.Data)
	}
	f.Add([]byte("@Service interface S { interface A { @InputDetail default void d() { or(mandatory(a()[COLLECTION].b()), mandatory(a()[COLLECTION].c())); } } }"))
	f.Fuzz(func(t *testing.T, src []byte) {
		decls, err := parseFile(src)
		if err != nil {
			return
		}
		m := &Model{Types: map[string]*Struct{}, Enums: map[string]*Enum{}, Services: map[string]*Service{}}
		for _, d := range decls {
			_ = m.add(d)
		}
	})
}
