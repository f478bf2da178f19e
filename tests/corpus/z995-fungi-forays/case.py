# Foray record tagger: marks species, habitat, substrate and colour words in
# field notes from the county mycological society's autumn forays.
import random
from types import SimpleNamespace

import torch
import torch.nn as nn
import torch.nn.functional as F

random.seed(21)
torch.manual_seed(21)

TAGSET = ["O", "B-SPECIES", "I-SPECIES", "B-HABITAT", "I-HABITAT", "B-SUBSTRATE", "B-COLOUR"]

NOTES = [
    ("amanita muscaria under birch scarlet cap with white warts",
     "B-SPECIES I-SPECIES O B-HABITAT B-COLOUR O O B-COLOUR O"),
    ("boletus edulis in mixed woodland brown cap on soil",
     "B-SPECIES I-SPECIES O B-HABITAT I-HABITAT B-COLOUR O O B-SUBSTRATE"),
    ("trametes versicolor on fallen beech log banded grey",
     "B-SPECIES I-SPECIES O O O B-SUBSTRATE O B-COLOUR"),
    ("hygrocybe coccinea in old grassland red waxy cap",
     "B-SPECIES I-SPECIES O B-HABITAT I-HABITAT B-COLOUR O O"),
    ("laetiporus sulphureus on oak trunk bright yellow brackets",
     "B-SPECIES I-SPECIES O B-SUBSTRATE B-SUBSTRATE O B-COLOUR O"),
    ("mycena galericulata clustered on stumps in conifer plantation",
     "B-SPECIES I-SPECIES O O B-SUBSTRATE O B-HABITAT I-HABITAT"),
]

opts = SimpleNamespace(emb_dim=24, hidden=32, batch_size=3, epochs=3, lr=2e-3, ignore_tag=-100)


class ForayTagger(nn.Module):
    def __init__(self, vocab_size, n_tags, emb_dim, hidden):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, emb_dim, padding_idx=0)
        self.rnn = nn.GRU(emb_dim, hidden, batch_first=True, bidirectional=True)
        self.proj = nn.Linear(2 * hidden, n_tags)

    def forward(self, word_ids):
        states, _ = self.rnn(self.embed(word_ids))
        return self.proj(states)


class Pipeline:
    def __init__(self, opts):
        self.opts = opts
        self.tag_index = {t: i for i, t in enumerate(TAGSET)}

    def load(self, notes):
        self.sentences = [text.split() for text, _ in notes]
        self.tag_seqs = [tags.split() for _, tags in notes]
        for words, tags in zip(self.sentences, self.tag_seqs):
            assert len(words) == len(tags), words
        print(f"loaded {len(self.sentences)} foray notes")
        return self

    def tokenize(self):
        self.word_index = {"<pad>": 0, "<unk>": 1}
        for words in self.sentences:
            for w in words:
                if w not in self.word_index:
                    self.word_index[w] = len(self.word_index)
        self.encoded = [
            ([self.word_index[w] for w in words], [self.tag_index[t] for t in tags])
            for words, tags in zip(self.sentences, self.tag_seqs)
        ]
        return self

    def pad(self):
        width = max(len(w) for w, _ in self.encoded)

        def fill(seq, value):
            return seq + [value] * (width - len(seq))

        self.word_ids = torch.tensor([fill(w, 0) for w, _ in self.encoded])
        self.tag_targets = torch.tensor([fill(t, self.opts.ignore_tag) for _, t in self.encoded])
        print(f"padded to width {width}: words {tuple(self.word_ids.shape)}")
        return self

    def build_model(self):
        self.model = ForayTagger(len(self.word_index), len(TAGSET), self.opts.emb_dim, self.opts.hidden)
        return self

    def _minibatches(self):
        perm = torch.randperm(self.word_ids.size(0))
        for i in range(0, len(perm), self.opts.batch_size):
            sel = perm[i:i + self.opts.batch_size]
            yield self.word_ids[sel], self.tag_targets[sel]

    def train(self):
        optimiser = torch.optim.Adam(self.model.parameters(), lr=self.opts.lr)
        for epoch in range(1, self.opts.epochs + 1):
            epoch_loss, n = 0.0, 0
            for word_ids, tag_targets in self._minibatches():
                logits = self.model(word_ids)
                loss = F.cross_entropy(logits, tag_targets, ignore_index=self.opts.ignore_tag)
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
                epoch_loss += loss.item()
                n += 1
            print(f"epoch {epoch}  loss {epoch_loss / n:.4f}")
        return self


if __name__ == "__main__":
    Pipeline(opts).load(NOTES).tokenize().pad().build_model().train()
    print("tagger ready")
