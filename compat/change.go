// Package compat answers "what changes for clients between two releases of
// the oVirt API?": Compare grades every difference between two models as
// oasdiff grades OpenAPI specs (breaking, warning, info), and Check holds
// what recorded clients actually used against those changes. Both hand
// package reports a neutral Results.
package compat

import (
	"cmp"
	"slices"

	"github.com/ovcompat/ovcompat/reports"
)

// The kinds of change between two releases. Each is graded by the rule of
// its comment; the grades are oasdiff's: breaking (a client written for the
// old release may fail on the new one), warning (it may, if strict), info.
const (
	TypeRemoved        = "type-removed"               // breaking
	TypeAdded          = "type-added"                 // info
	MemberRemoved      = "member-removed"             // breaking (an element or attribute)
	MemberAdded        = "member-added"               // info
	LinkRemoved        = "link-removed"               // breaking (a member the model marks @Link)
	LinkAdded          = "link-added"                 // info
	MemberTypeChanged  = "member-type-changed"        // breaking
	BecameList         = "member-became-list"         // breaking: single became list
	BecameSingle       = "member-became-single"       // breaking: list became single
	EnumValueRemoved   = "enum-value-removed"         // breaking
	EnumValueAdded     = "enum-value-added"           // warning where clients read the enum (strict clients fail on unknown values), else info
	ServiceRemoved     = "service-removed"            // breaking
	ServiceAdded       = "service-added"              // info
	MethodRemoved      = "method-removed"             // breaking
	MethodAdded        = "method-added"               // info
	ActionRemoved      = "action-removed"             // breaking
	ActionAdded        = "action-added"               // info
	RouteRemoved       = "route-removed"              // breaking: a service still served, no longer at this path
	RouteAdded         = "route-added"                // info
	BodyChanged        = "body-changed"               // breaking: a route takes or answers another document
	ParameterRemoved   = "parameter-removed"          // breaking (a URL or action parameter)
	ParameterAdded     = "parameter-added"            // info
	ParameterType      = "parameter-type-changed"     // breaking
	BecameMandatory    = "parameter-became-mandatory" // breaking, between releases whose signatures both come from the model
	BecameOptional     = "parameter-became-optional"  // info
	Deprecated         = "deprecated"                 // warning
	DeprecationRemoved = "deprecation-removed"        // info
)

// Where a parameter goes (Change.ParamIn).
const (
	ParamURL    = "url"    // a query or matrix parameter
	ParamAction = "action" // a child of an action's <action> body
	ParamBody   = "body"   // a field of the request body
)

// Change is one graded difference between two releases.
type Change struct {
	Kind  string
	Grade reports.Grade
	// Group is what the change is listed under: "service VmService" for
	// routes, methods, actions and parameters, "type Vm" for types,
	// members and enum values.
	Group string
	// Subject names what changed: "type", "member", "link", "enum value",
	// "service", "method", "action", "route", "parameter", "body".
	Subject string
	// Wire is the change's place in wire names: "vm.display.video_type",
	// "POST /vms/{vm_id}/start parameter attach_wgt".
	Wire string
	// Method and Route are set for changes of a route ("POST",
	// "/vms/{vm_id}/start"); Routes lists the routes ("METHOD template")
	// of a service or an operation that is gone or new.
	Method, Route string
	Routes        []string
	// Type and Member are set for changes of a type: its name, and the
	// member's element name ("@id" for an attribute) or the enum value.
	Type, Member string
	// Param and ParamIn are set for changes of a parameter: its name (or
	// the body field's path) and where it goes: ParamURL, ParamAction,
	// ParamBody.
	Param, ParamIn string
	Reason         string
	// Base and New summarise the two sides ("xs:int", "deprecated").
	Base, New string
}

// gradeRank orders grades worst first.
func gradeRank(g reports.Grade) int { return slices.Index(reports.Grades(), g) }

// sortChanges orders changes by group, then worst grade first, then by
// wire name and kind.
func sortChanges(cs []Change) {
	slices.SortStableFunc(cs, func(a, b Change) int {
		return cmp.Or(cmp.Compare(a.Group, b.Group), cmp.Compare(gradeRank(a.Grade), gradeRank(b.Grade)),
			cmp.Compare(a.Wire, b.Wire), cmp.Compare(a.Kind, b.Kind))
	})
}
