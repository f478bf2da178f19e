"""Word-level named-entity tagger: a GRU over 3-letter pieces, each word read at its middle piece (Lightning)."""
import torch
import torch.nn as nn
import torch.nn.functional as F
import lightning.pytorch as pl
from torch.utils.data import DataLoader, Dataset

pl.seed_everything(0, verbose=False)

SENTENCES = [
    ("anna moved to berlin", "B-PER O O B-LOC"),
    ("paris is big", "B-LOC O O"),
    ("tom met lisa in rome", "B-PER O B-PER O B-LOC"),
    ("he lives in oslo", "O O O B-LOC"),
    ("maria visited madrid", "B-PER O B-LOC"),
    ("we like lima", "O O B-LOC"),
    ("ben and eva left", "B-PER O B-PER O"),
    ("sun in cairo", "O O B-LOC"),
]
TAGS = ["O", "B-PER", "B-LOC"]
PIECE = 3  # words are split into 3-letter pieces
MAX_WORDS = 6
pieces = sorted({w[i:i + PIECE] for s, _ in SENTENCES for w in s.split() for i in range(0, len(w), PIECE)})
piece2id = {p: i + 1 for i, p in enumerate(pieces)}  # 0 = pad


class NerSentences(Dataset):
    def __init__(self, rows):
        self.items = []
        for text, tags in rows:
            ids, centers = [], []
            for word in text.split():
                word_pieces = [piece2id[word[i:i + PIECE]] for i in range(0, len(word), PIECE)]
                # the middle piece sees the most of the word in both directions
                centers.append(len(ids) + (len(word_pieces) - 1) / 2)
                ids.extend(word_pieces)
            centers += [0] * (MAX_WORDS - len(centers))
            labels = [TAGS.index(t) for t in tags.split()]
            labels += [-100] * (MAX_WORDS - len(labels))
            self.items.append((torch.tensor(ids), torch.tensor(centers), torch.tensor(labels)))

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def pad_batch(batch):
    ids = nn.utils.rnn.pad_sequence([b[0] for b in batch], batch_first=True)
    return ids, torch.stack([b[1] for b in batch]), torch.stack([b[2] for b in batch])


class MiddlePieceTagger(pl.LightningModule):
    def __init__(self, n_pieces, n_tags, dim=32):
        super().__init__()
        self.emb = nn.Embedding(n_pieces, dim, padding_idx=0)
        self.gru = nn.GRU(dim, dim, batch_first=True)
        self.out = nn.Linear(dim, n_tags)

    def forward(self, ids, word_centers):
        states, _ = self.gru(self.emb(ids))
        index = word_centers.unsqueeze(-1).expand(-1, -1, states.size(-1))
        word_states = states.gather(1, index)
        return self.out(word_states)

    def training_step(self, batch, batch_idx):
        ids, word_centers, labels = batch
        logits = self(ids, word_centers)
        loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), labels.reshape(-1), ignore_index=-100)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=1e-3)


loader = DataLoader(NerSentences(SENTENCES), batch_size=4, shuffle=True, collate_fn=pad_batch)
model = MiddlePieceTagger(len(piece2id) + 1, len(TAGS))
trainer = pl.Trainer(accelerator="cpu", max_epochs=1, logger=False, enable_checkpointing=False,
                     enable_progress_bar=False, enable_model_summary=False)
trainer.fit(model, loader)
print("done")
