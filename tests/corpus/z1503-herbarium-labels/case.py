# Herbarium sheet labels: embed transcribed labels so duplicates across collections
# (same gathering, split between herbaria) land close together.
# Tiny random BERT for now, just checking the pipeline end to end.
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer

try:
    from sentence_transformers.sentence_transformer import losses
    from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
except ImportError:  # older installs
    from sentence_transformers import losses
    from sentence_transformers.models import Pooling, Transformer

random.seed(5)
torch.manual_seed(5)

PAIRS = [
    ("quercus alba leg smith det jones herb mo ozark ridge 1923", "quercus alba leg smith herb ny ozark ridge 1923", 0.95),
    ("carex lurida leg brandt herb f wet meadow 1951", "carex lurida det hale herb mich wet meadow 1951", 0.9),
    ("quercus alba leg smith herb mo ozark ridge 1923", "carex lurida leg brandt herb f wet meadow 1951", 0.05),
    ("asclepias tuberosa leg reed det jones herb us prairie remnant 1967", "asclepias tuberosa leg reed herb mo prairie remnant 1967", 0.9),
    ("sphagnum fuscum leg olsen herb h bog margin 1934", "asclepias tuberosa leg reed herb us prairie remnant 1967", 0.0),
    ("sphagnum fuscum leg olsen det kuhn herb h bog margin 1934", "sphagnum fuscum leg olsen herb ups bog margin 1934", 0.85),
]
# collector / determiner / herbarium boilerplate that differs between duplicate sheets
BOILERPLATE = ["leg", "det", "herb"]

words = sorted({w for a, b, _ in PAIRS for w in (a + " " + b).split()})
model_dir = tempfile.mkdtemp(prefix="herb_")
with open(os.path.join(model_dir, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tok = BertTokenizer(os.path.join(model_dir, "vocab.txt"))
bcfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                  intermediate_size=64, max_position_embeddings=64)
BertModel(bcfg).save_pretrained(model_dir)
tok.save_pretrained(model_dir)


class LabelAwareTransformer(Transformer):
    """Transformer module that keeps the boilerplate tokens out of attention."""

    def __init__(self, path, skip_tokens, **kwargs):
        super().__init__(path, **kwargs)
        self.skip_ids = torch.tensor(self.tokenizer.convert_tokens_to_ids(skip_tokens))
        self.pad_to = self.max_seq_length  # fixed width makes the masks easy to eyeball

    def keep_mask(self, texts):
        enc = self.tokenizer(list(texts), padding="max_length", truncation=True,
                             max_length=self.pad_to, return_tensors="pt")
        keep = enc["attention_mask"].bool() & ~torch.isin(enc["input_ids"], self.skip_ids)
        return keep.long()

    def preprocess(self, inputs, prompt=None, processing_kwargs=None, **kwargs):
        feats = super().preprocess(inputs, prompt=prompt,
                                   processing_kwargs={"text": {"padding": "max_length"}}, **kwargs)
        feats["attention_mask"] = self.keep_mask(inputs)
        return feats


emb = LabelAwareTransformer(model_dir, BOILERPLATE, max_seq_length=64)
pool = Pooling(emb.get_embedding_dimension(), pooling_mode="mean")
model = SentenceTransformer(modules=[emb, pool], device="cpu")

x = [a for a, _, _ in PAIRS[:3]]
print("kept tokens per label:", emb.keep_mask(x).sum(1).tolist())
x = model.encode(x, convert_to_tensor=True)
print("embeddings", tuple(x.shape))
assert x.shape == (3, 32)

# labels are short, no need to run 64 positions per sheet
lens = [len(tok(a)["input_ids"]) for a, b, _ in PAIRS] + [len(tok(b)["input_ids"]) for a, b, _ in PAIRS]
try:
    emb.max_seq_length = max(24, max(lens))
except AttributeError:
    emb.tokenizer.model_max_length = max(24, max(lens))
print("max_seq_length ->", emb.max_seq_length)

train = [InputExample(texts=[a, b], label=float(s)) for a, b, s in PAIRS]
loader = DataLoader(train, batch_size=3, shuffle=True)
loss = losses.CosineSimilarityLoss(model)

model.old_fit(train_objectives=[(loader, loss)], epochs=2, warmup_steps=1,
              optimizer_params={"lr": 5e-4}, show_progress_bar=False)

x = model.encode([PAIRS[0][0], PAIRS[0][1], PAIRS[2][1]], convert_to_tensor=True)
sims = torch.nn.functional.cosine_similarity(x[0:1], x[1:])
print("duplicate vs other:", [round(v, 3) for v in sims.tolist()])
