/**
 * The autoscaling/v2 HorizontalPodAutoscaler shape (the API's internal form), shared by the v2
 * strategy, the printer and the v1 conversion.
 */
import type { MetaLabelSelector } from '../../../apimachinery/labels.js';
import type { KObject } from '../resource.js';

/** The target value, average value or average utilization of a metric. */
export interface MetricTarget {
  type?: string;
  value?: string | number;
  averageValue?: string | number;
  averageUtilization?: number;
}

/** A metric's current value, as the autoscaler last saw it. */
export interface MetricValueStatus {
  value?: string | number;
  averageValue?: string | number;
  averageUtilization?: number;
}

/** A metric by name and optional label selector. */
export interface MetricIdentifier {
  name?: string;
  selector?: MetaLabelSelector;
}

/** The object an autoscaler scales or a metric describes. */
export interface CrossVersionObjectReference {
  kind?: string;
  name?: string;
  apiVersion?: string;
}

/** One metric source; `type` names which of the fields is set. */
export interface MetricSpec {
  type?: string;
  object?: { describedObject?: CrossVersionObjectReference; metric?: MetricIdentifier; target?: MetricTarget };
  pods?: { metric?: MetricIdentifier; target?: MetricTarget };
  resource?: { name?: string; target?: MetricTarget };
  containerResource?: { name?: string; container?: string; target?: MetricTarget };
  external?: { metric?: MetricIdentifier; target?: MetricTarget };
}

/** The current state of one metric source. */
export interface MetricStatus {
  type?: string;
  object?: { current?: MetricValueStatus };
  pods?: { current?: MetricValueStatus };
  resource?: { name?: string; current?: MetricValueStatus };
  containerResource?: { name?: string; container?: string; current?: MetricValueStatus };
  external?: { current?: MetricValueStatus };
}

/** Scale-up or scale-down behavior: stabilization window, policy selection, policies. */
export interface ScalingRules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: string;
  policies?: { type?: string; value?: number; periodSeconds?: number }[];
}

/** An autoscaling/v2 HorizontalPodAutoscaler. */
export interface HorizontalPodAutoscaler extends KObject {
  spec?: {
    scaleTargetRef?: CrossVersionObjectReference;
    minReplicas?: number;
    maxReplicas?: number;
    metrics?: MetricSpec[];
    behavior?: { scaleUp?: ScalingRules; scaleDown?: ScalingRules };
  };
  status?: {
    observedGeneration?: number;
    lastScaleTime?: string;
    currentReplicas?: number;
    desiredReplicas?: number;
    currentMetrics?: MetricStatus[];
    conditions?: { type?: string; status?: string; lastTransitionTime?: string; reason?: string; message?: string }[];
  };
}
