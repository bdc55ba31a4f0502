import { Component } from 'preact';
import { registerTimer, unregisterTimer } from '../clock.js';

interface Props {
  /** ISO time the state started */
  since: string | null | undefined;
  class?: string;
}

/**
 * Live elapsed time. Rendered once; afterwards the shared clock rewrites the
 * text node every second, so ticking costs no component renders.
 */
export class Since extends Component<Props> {
  private el: HTMLElement | null = null;
  private ref = (el: HTMLElement | null) => {
    if (this.el && this.el !== el) unregisterTimer(this.el);
    this.el = el;
    this.sync();
  };

  override shouldComponentUpdate(next: Props): boolean {
    return next.since !== this.props.since || next.class !== this.props.class;
  }

  override componentDidUpdate(): void {
    this.sync();
  }

  override componentWillUnmount(): void {
    if (this.el) unregisterTimer(this.el);
  }

  private sync(): void {
    if (!this.el) return;
    const t = this.props.since ? Date.parse(this.props.since) : Number.NaN;
    if (Number.isFinite(t)) registerTimer(this.el, t);
    else {
      unregisterTimer(this.el);
      this.el.textContent = '';
    }
  }

  override render() {
    return <span class={`since ${this.props.class ?? ''}`} ref={this.ref} />;
  }
}
