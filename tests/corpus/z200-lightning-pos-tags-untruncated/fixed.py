import tempfile
from dataclasses import dataclass

import lightning as L
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

RAW = """the/DET cat/NOUN sat/VERB on/ADP the/DET mat/NOUN
a/DET dog/NOUN barked/VERB loudly/ADV
she/PRON reads/VERB old/ADJ books/NOUN in/ADP the/DET quiet/ADJ library/NOUN every/DET sunday/NOUN morning/NOUN before/ADP lunch/NOUN
we/PRON walked/VERB home/NOUN
the/DET old/ADJ man/NOUN slowly/ADV fixed/VERB the/DET broken/ADJ fence/NOUN near/ADP the/DET small/ADJ red/ADJ barn/NOUN at/ADP dusk/NOUN
birds/NOUN sing/VERB
they/PRON quickly/ADV ate/VERB the/DET warm/ADJ bread/NOUN
a/DET small/ADJ child/NOUN drew/VERB a/DET red/ADJ house/NOUN on/ADP the/DET wall/NOUN of/ADP the/DET kitchen/NOUN with/ADP chalk/NOUN
he/PRON sleeps/VERB
the/DET dog/NOUN chased/VERB a/DET cat/NOUN
rain/NOUN fell/VERB softly/ADV on/ADP the/DET roof/NOUN
she/PRON bought/VERB warm/ADJ bread/NOUN"""

MAX_WORDS = 12


@dataclass
class Sentence:
    words: list
    tags: list


def parse(raw):
    out = []
    for line in raw.strip().splitlines():
        pairs = [tok.rsplit("/", 1) for tok in line.split()]
        out.append(Sentence([w for w, _ in pairs], [t for _, t in pairs]))
    return out


corpus = parse(RAW)
word_ix = {"<pad>": 0, "<unk>": 1}
for s in corpus:
    for w in s.words:
        word_ix.setdefault(w, len(word_ix))
tag_names = sorted({t for s in corpus for t in s.tags})
tag_ix = {t: i for i, t in enumerate(tag_names)}


def collate(batch):
    word_seqs = [torch.tensor([word_ix.get(w, 1) for w in s.words][:MAX_WORDS]) for s in batch]
    tag_seqs = [torch.tensor([tag_ix[t] for t in s.tags][:MAX_WORDS]) for s in batch]
    return {
        "words": pad_sequence(word_seqs, batch_first=True, padding_value=0),
        "gold": pad_sequence(tag_seqs, batch_first=True, padding_value=-100),
    }


class Tagger(L.LightningModule):
    def __init__(self, n_words, n_tags, dim=32):
        super().__init__()
        self.emb = nn.Embedding(n_words, dim, padding_idx=0)
        self.rnn = nn.LSTM(dim, dim, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * dim, n_tags)

    def forward(self, words):
        h, _ = self.rnn(self.emb(words))
        return self.out(h)

    def training_step(self, batch, batch_idx):
        scores = self(batch["words"])
        loss = F.cross_entropy(scores.reshape(-1, scores.size(-1)), batch["gold"].reshape(-1), ignore_index=-100)
        self.log("train_loss", loss)
        return loss

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=1e-2)


if __name__ == "__main__":
    L.seed_everything(0)
    loader = DataLoader(corpus, batch_size=4, shuffle=True, collate_fn=collate)
    model = Tagger(len(word_ix), len(tag_ix))
    trainer = L.Trainer(max_epochs=3, accelerator="cpu", logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False,
                        default_root_dir=tempfile.mkdtemp())
    trainer.fit(model, loader)
    with torch.no_grad():
        pred = model(collate(corpus[:1])["words"]).argmax(-1)[0]
    print([tag_names[i] for i in pred.tolist()])
