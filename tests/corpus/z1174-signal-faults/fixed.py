"""Route railway signalling fault reports to the right maintenance team.

Small transformer encoder written by hand; training goes through the callback
engine so the summary-slot trick can be switched on/off per experiment.
"""
import functools
import random
from types import SimpleNamespace

import torch
import torch.nn as nn

random.seed(3)
torch.manual_seed(3)

TEAMS = ["track_circuit", "point_machine", "signal_lamp", "axle_counter"]
REPORTS = [
    ("track circuit showing occupied with no train present after heavy rain", "track_circuit"),
    ("points failed to detect normal at the north crossover", "point_machine"),
    ("red aspect lamp out on signal forty two", "signal_lamp"),
    ("axle counter reset required section count mismatch", "axle_counter"),
    ("bonding cable stolen track circuit failed", "track_circuit"),
    ("point motor stalling halfway through throw", "point_machine"),
    ("lamp proving relay dropped filament failure", "signal_lamp"),
    ("counting head damaged by ballast tamper", "axle_counter"),
]
PAD, UNK, SUM = 0, 1, 2


def build_lexicon(texts):
    lex = {"<pad>": PAD, "<unk>": UNK, "<sum>": SUM}
    for t in texts:
        for w in t.split():
            lex.setdefault(w, len(lex))
    return lex


def collate(rows, lexicon):
    seqs = [[lexicon.get(w, UNK) for w in text.split()] for text, _ in rows]
    width = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), width), PAD, dtype=torch.long)
    for r, s in enumerate(seqs):
        ids[r, :len(s)] = torch.tensor(s)
    return {
        "ids": ids,
        "pad_positions": ids.eq(PAD),
        "team": torch.tensor([TEAMS.index(t) for _, t in rows]),
    }


class FaultRouter(nn.Module):
    def __init__(self, n_words, d_model=32, n_teams=len(TEAMS), max_len=48):
        super().__init__()
        self.words = nn.Embedding(n_words, d_model, padding_idx=PAD)
        self.pos = nn.Embedding(max_len, d_model)
        layer = nn.TransformerEncoderLayer(d_model, nhead=4, dim_feedforward=64,
                                           dropout=0.1, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.out = nn.Linear(d_model, n_teams)

    def forward(self, ids, pad_positions):
        positions = torch.arange(ids.size(1)).unsqueeze(0)
        h = self.words(ids) + self.pos(positions)
        h = self.encoder(h, src_key_padding_mask=pad_positions)
        return self.out(h[:, 0])


class SummarySlot:
    """Prepend a <sum> token; its final state is used as the report summary."""

    def on_batch_start(self, state, batch):
        slot = torch.full((batch["ids"].size(0), 1), SUM, dtype=torch.long)
        batch["ids"] = torch.cat([slot, batch["ids"]], dim=1)
        batch["pad_positions"] = torch.cat([slot.eq(PAD), batch["pad_positions"]], dim=1)
        state.seq_len = batch["ids"].size(1)
        return batch

    def on_forward(self, state, outputs):
        return outputs

    def on_epoch_end(self, state):
        pass


class Accuracy:
    def on_batch_start(self, state, batch):
        return batch

    def on_forward(self, state, outputs):
        state.hits += (outputs["logits"].argmax(-1) == outputs["team"]).sum().item()
        state.seen += outputs["team"].numel()
        return outputs

    def on_epoch_end(self, state):
        print(f"epoch {state.epoch}: acc {state.hits / state.seen:.2f} (seq_len last={state.seq_len})")
        state.hits = state.seen = 0


class Engine:
    def __init__(self, model, callbacks, lr=1e-3):
        self.model = model
        self.callbacks = callbacks
        self.opt = torch.optim.Adam(model.parameters(), lr=lr)
        self.crit = nn.CrossEntropyLoss()
        self.state = SimpleNamespace(epoch=0, step=0, seq_len=0, hits=0, seen=0)

    def _emit(self, hook, *args):
        for cb in self.callbacks:
            res = getattr(cb, hook)(self.state, *args)
            if res is not None:
                args = (res,)
        return args[0] if args else None

    def train(self, rows, collate_fn, epochs=2, bs=4):
        for epoch in range(epochs):
            self.state.epoch = epoch
            random.shuffle(rows)
            for i in range(0, len(rows), bs):
                batch = self._emit("on_batch_start", collate_fn(rows[i:i + bs]))
                logits = self.model(batch["ids"], batch["pad_positions"])
                loss = self.crit(logits, batch["team"])
                self.opt.zero_grad()
                loss.backward()
                self.opt.step()
                self.state.step += 1
                self._emit("on_forward", {"logits": logits.detach(), "team": batch["team"], "loss": loss})
            for cb in self.callbacks:
                cb.on_epoch_end(self.state)


if __name__ == "__main__":
    lexicon = build_lexicon(t for t, _ in REPORTS)
    print(f"{len(REPORTS)} reports, lexicon size {len(lexicon)}")
    model = FaultRouter(len(lexicon))
    engine = Engine(model, [SummarySlot(), Accuracy()])
    engine.train(list(REPORTS), functools.partial(collate, lexicon=lexicon), epochs=3)
    print("finished after", engine.state.step, "steps")
