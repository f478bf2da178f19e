"""Folk-melody language model: a GRU over pitch/duration tokens, trained with
Lightning using a rating-weighted sequence log-likelihood."""
import torch
import torch.nn as nn
import lightning.pytorch as pl
from torch.utils.data import DataLoader, Dataset

PAD = 0
PITCHES = list(range(55, 80))          # G3 .. G5
DURATIONS = [1, 2, 3, 4, 6, 8]          # in sixteenth notes


def build_vocab():
    itos = ["<pad>", "<bos>", "<eos>"]
    itos += [f"p{p}" for p in PITCHES]
    itos += [f"d{d}" for d in DURATIONS]
    itos += [f"p{p}_d{d}" for p in PITCHES[::2] for d in DURATIONS[:4]]
    return {s: i for i, s in enumerate(itos)}


class TuneDataset(Dataset):
    def __init__(self, n_tunes, seq_len, vocab, seed=0):
        g = torch.Generator().manual_seed(seed)
        self.items = []
        for _ in range(n_tunes):
            n_notes = int(torch.randint(6, seq_len // 2, (1,), generator=g))
            toks = [vocab["<bos>"]]
            pitch = PITCHES[int(torch.randint(0, len(PITCHES), (1,), generator=g))]
            for _ in range(n_notes):
                step = int(torch.randint(-3, 4, (1,), generator=g))
                pitch = min(max(pitch + step, PITCHES[0]), PITCHES[-1])
                dur = DURATIONS[int(torch.randint(0, len(DURATIONS), (1,), generator=g))]
                toks += [vocab[f"p{pitch}"], vocab[f"d{dur}"]]
            toks.append(vocab["<eos>"])
            toks = toks[:seq_len] + [PAD] * (seq_len - len(toks))
            rating = float(torch.rand(1, generator=g)) * 4 + 1   # 1..5 stars
            self.items.append((torch.tensor(toks), torch.tensor(rating)))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        toks, rating = self.items[i]
        return {"tokens": toks, "rating": rating}


class MelodyLM(pl.LightningModule):
    def __init__(self, vocab_size, emb_dim=32, hidden=64, lr=2e-3):
        super().__init__()
        self.save_hyperparameters()
        self.embed = nn.Embedding(vocab_size, emb_dim, padding_idx=PAD)
        self.rnn = nn.GRU(emb_dim, hidden, batch_first=True)
        self.out = nn.Linear(hidden, vocab_size)

    def forward(self, tokens):
        h, _ = self.rnn(self.embed(tokens))
        return self.out(h)

    def sequence_logprob(self, tokens):
        inputs, targets = tokens[:, :-1], tokens[:, 1:]
        log_probs = self(inputs).log_softmax(dim=-1)
        token_lp = log_probs.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
        mask = (targets != PAD).float()
        return (token_lp * mask).sum(dim=1), mask.sum(dim=1)

    def training_step(self, batch, batch_idx):
        seq_lp, n_tok = self.sequence_logprob(batch["tokens"])
        weights = batch["rating"] / batch["rating"].mean()
        loss = -(weights * seq_lp / n_tok).mean()
        self.log("train_nll", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.hparams.lr)


if __name__ == "__main__":
    pl.seed_everything(11, verbose=False)
    vocab = build_vocab()
    ds = TuneDataset(n_tunes=96, seq_len=24, vocab=vocab, seed=11)
    loader = DataLoader(ds, batch_size=16, shuffle=True)
    model = MelodyLM(vocab_size=len(vocab))
    trainer = pl.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False,
                         logger=False, enable_checkpointing=False, enable_model_summary=False)
    trainer.fit(model, loader)
    print("final nll", float(trainer.callback_metrics["train_nll"]))
