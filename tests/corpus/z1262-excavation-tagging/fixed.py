"""Tag words in excavation trench diaries (find type, material, stratigraphic
context) so the site database can be filled without retyping every entry."""
import functools
import itertools
import logging
import os
import tempfile

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

try:
    import lightning as L
except ImportError:  # older installs
    import pytorch_lightning as L

logging.getLogger("lightning").setLevel(logging.ERROR)
logging.getLogger("lightning.pytorch").setLevel(logging.ERROR)
L.seed_everything(5, verbose=False)

TAGS = ["O", "FIND", "MATERIAL", "CONTEXT", "DATE"]
IGNORE = -100
DIARY = [
    ("sherd of redware found in context 104 below the hearth", "O O MATERIAL FIND O CONTEXT CONTEXT O O O"),
    ("bronze pin recovered from fill 2031 roman", "MATERIAL FIND O O CONTEXT CONTEXT DATE"),
    ("flint scraper in topsoil layer", "MATERIAL FIND O CONTEXT CONTEXT"),
    ("iron nail and bone comb from pit 12 medieval", "MATERIAL FIND O MATERIAL FIND O CONTEXT CONTEXT DATE"),
    ("glass bead near wall footing 77", "MATERIAL FIND O CONTEXT CONTEXT CONTEXT"),
    ("antler handle in ditch cut 5 iron age", "MATERIAL FIND O CONTEXT CONTEXT CONTEXT DATE DATE"),
]
SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def compose(*fns):
    return functools.reduce(lambda f, g: lambda x: g(f(x)), fns, lambda x: x)


def dump_vocab(folder, sentences):
    words = sorted(set(itertools.chain.from_iterable(s.split() for s in sentences)))
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(SPECIALS + words) + "\n")
    return path


def make_example_builder(tokenizer, tag_index):
    def build(entry):
        text, tag_str = entry
        ids = tokenizer.convert_tokens_to_ids(text.split())
        tags = [tag_index[t] for t in tag_str.split()]
        return ([tokenizer.cls_token_id] + ids + [tokenizer.sep_token_id],
                [IGNORE] + tags + [IGNORE])
    return build


def make_collate(pad_id):
    def collate(rows):
        width = max(len(ids) for ids, _ in rows)
        fill = lambda seq, v: seq + [v] * (width - len(seq))
        return {
            "tokens": torch.tensor([fill(ids, pad_id) for ids, _ in rows]),
            "keep": torch.tensor([fill([1] * len(ids), 0) for ids, _ in rows]),
            "tags": torch.tensor([fill(tags, IGNORE) for _, tags in rows]),
        }
    return collate


class DiaryTagger(L.LightningModule):
    def __init__(self, bert_config, n_tags, loss_fn, lr=5e-4):
        super().__init__()
        self.encoder = BertModel(bert_config, add_pooling_layer=False)
        self.head = nn.Linear(bert_config.hidden_size, n_tags)
        self.loss_fn = loss_fn
        self.lr = lr

    def forward(self, tokens, keep):
        hidden = self.encoder(input_ids=tokens, attention_mask=keep).last_hidden_state
        return self.head(hidden)

    def training_step(self, batch, batch_idx):
        scores = self(batch["tokens"], batch["keep"])
        # cross_entropy wants (batch, classes, seq) for per-token targets
        loss = self.loss_fn(scores.transpose(1, 2), batch["tags"])
        self.log("train_loss", loss, prog_bar=False)
        return loss

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), lr=self.lr)


workdir = tempfile.mkdtemp(prefix="trench_")
tokenizer = compose(functools.partial(dump_vocab, workdir), BertTokenizer)(s for s, _ in DIARY)
build = make_example_builder(tokenizer, {t: i for i, t in enumerate(TAGS)})
rows = list(map(build, DIARY))
print(f"{len(rows)} diary lines, {len(TAGS)} tag types")

tag_loss = functools.partial(F.cross_entropy, ignore_index=IGNORE)
config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1,
                    num_attention_heads=2, intermediate_size=64, max_position_embeddings=32)
tagger = DiaryTagger(config, n_tags=len(TAGS), loss_fn=tag_loss)

loader = DataLoader(rows, batch_size=3, shuffle=True, collate_fn=make_collate(tokenizer.pad_token_id))
trainer = L.Trainer(max_epochs=1, accelerator="cpu", enable_progress_bar=False, logger=False,
                    enable_checkpointing=False, enable_model_summary=False)
trainer.fit(tagger, train_dataloaders=loader)

tagger.eval()
with torch.no_grad():
    probe = make_collate(tokenizer.pad_token_id)(rows[:1])
    best = tagger(probe["tokens"], probe["keep"]).argmax(-1)[0, 1:-1]
print("tags for first line:", [TAGS[i] for i in best.tolist()])
