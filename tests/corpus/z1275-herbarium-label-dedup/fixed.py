# %% [markdown]
# Herbarium sheet label de-duplication: the same gathering often exists as duplicates in
# several herbaria with slightly different transcriptions. Train a small bi-encoder so that
# duplicate labels embed close together. Tiny BERT from scratch, sentence-transformers.

# %%
import os
import random
import tempfile

import numpy as np
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models

random.seed(5)
np.random.seed(5)
torch.manual_seed(5)
display = print

# %%
long_locality = ("rocky limestone slope above the river gorge about two km north of the village along the old mule "
                 "track to the summer pastures under scattered pine and juniper with open grassy patches "
                 "on thin soil east facing steep and partly shaded in the afternoon")
pairs = [
    ("carex flacca leg smith 1123 limestone grassland", "carex flacca coll smith no 1123 calcareous grassland", 0.9),
    ("quercus ilex leg martin 88 coastal scrub", "quercus ilex martin 88 maquis near coast", 0.85),
    ("carex flacca leg smith 1123 limestone grassland", "salix alba leg jones 40 river bank", 0.05),
    ("salix alba leg jones 40 river bank", "salix alba jones 40 riverside willow carr", 0.8),
    ("pinus nigra leg kovac 301 " + long_locality, "pinus nigra kovac 301 " + long_locality, 0.95),
    ("juniperus communis leg kovac 302 " + long_locality, "pinus nigra kovac 301 " + long_locality, 0.3),
    ("quercus ilex martin 88 maquis near coast", "juniperus communis leg kovac 302 " + long_locality, 0.1),
    ("sesleria caerulea leg smith 1130 limestone grassland", "carex flacca leg smith 1123 limestone grassland", 0.35),
]
display(len(pairs), max(len(a.split()) for a, _, _ in pairs))

# %%
model_dir = tempfile.mkdtemp()
words = sorted({w for a, b, _ in pairs for w in (a + " " + b).split()})
with open(os.path.join(model_dir, "vocab.txt"), "w") as fh:
    fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")

tok = BertTokenizer(os.path.join(model_dir, "vocab.txt"))
MAX_POS = 48
bert_cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                      intermediate_size=64, max_position_embeddings=MAX_POS)
BertModel(bert_cfg).save_pretrained(model_dir)
tok.save_pretrained(model_dir)
display(sorted(os.listdir(model_dir)))

# %%
SEQ_LEN = 32
word_emb = models.Transformer(model_dir, max_seq_length=SEQ_LEN)
pool = models.Pooling(word_emb.get_embedding_dimension(), pooling_mode="mean")
st_model = SentenceTransformer(modules=[word_emb, pool], device="cpu")
display(st_model)

# %%
emb = st_model.encode([pairs[0][0], pairs[0][1], pairs[4][0]], convert_to_tensor=True)
display(emb.shape, torch.nn.functional.cosine_similarity(emb[0:1], emb[1:2]))

# %%
# the kovac sheets only differ in the locality tail, which gets cut at 32 tokens
display(len(tok.tokenize(pairs[5][0])))
SEQ_LEN = MAX_POS  # as long as the position table allows
st_model.max_seq_length = SEQ_LEN
display(st_model.max_seq_length)

# %%
train_examples = [InputExample(texts=[a, b], label=float(s)) for a, b, s in pairs]
train_loader = DataLoader(train_examples, shuffle=True, batch_size=4)
train_loss = losses.CosineSimilarityLoss(st_model)

st_model.old_fit(
    train_objectives=[(train_loader, train_loss)],
    epochs=2,
    warmup_steps=1,
    show_progress_bar=False,
)

# %%
check = st_model.encode([pairs[4][0], pairs[4][1], pairs[5][0]], convert_to_tensor=True)
sims = torch.nn.functional.cosine_similarity(check[0:1], check[1:])
display("dup vs non-dup", sims.tolist())
