# herbarium label transcription <-> catalogue entry matcher. bi-encoder, tiny bert, demo quality
import os, random, tempfile
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import SentenceTransformer, InputExample, losses, models

HP = {
    "seed": 5,
    "hid": 32,
    "layers": 1,
    "heads": 2,
    "ffn": 64,
    "max_pos": 48,
    "max_seq": 256,   # old sheets have long collector notes, don't cut them
    "bs": 4,
    "lr": 2e-4,
    "epochs": 1,
}
random.seed(HP["seed"]); torch.manual_seed(HP["seed"])

SPECIES = ["carex flacca", "juncus effusus", "salix repens", "erica tetralix", "drosera rotundifolia",
           "myrica gale"]
SITES = ["bog margin near old peat cuttings", "wet dune slack behind the second ridge",
         "heath above the quarry track", "ditch edge by the railway bridge"]
NOTE = ("collector notes sheet remounted after water damage original label partly illegible "
        "determination checked against the regional flora and the duplicate at the county museum "
        "specimen pressed in the field and dried over newspaper for several days before mounting")

lab = [f"{sp} collected on {st} {NOTE} {NOTE if i % 2 else ''}".strip()
       for i, (sp, st) in enumerate((sp, st) for sp in SPECIES for st in SITES)]
cat = [f"{sp} from {st}" for sp in SPECIES for st in SITES]

pairs = [InputExample(texts=[lab[i], cat[i]], label=1.0) for i in range(len(lab))]
pairs += [InputExample(texts=[lab[i], cat[(i + 5) % len(cat)]], label=0.0) for i in range(len(lab))]
random.shuffle(pairs)
print("pairs", len(pairs), "longest label (words)", max(len(t.split()) for t in lab))

# ---- tiny model saved to disk so models.Transformer can load it
mdir = tempfile.mkdtemp()
words = sorted({w for t in lab + cat for w in t.split()})
with open(os.path.join(mdir, "vocab.txt"), "w") as f:
    f.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
tk = BertTokenizer(os.path.join(mdir, "vocab.txt"))
BertModel(BertConfig(vocab_size=len(tk), hidden_size=HP["hid"], num_hidden_layers=HP["layers"],
                     num_attention_heads=HP["heads"], intermediate_size=HP["ffn"],
                     max_position_embeddings=HP["max_pos"])).save_pretrained(mdir)
tk.save_pretrained(mdir)

enc = models.Transformer(mdir, max_seq_length=HP["max_pos"])
pool = models.Pooling(enc.get_word_embedding_dimension(), "mean")
sbert = SentenceTransformer(modules=[enc, pool], device="cpu")
print("max_seq_length", sbert.max_seq_length)

dl = DataLoader(pairs, batch_size=HP["bs"], shuffle=True)
loss_fn = losses.CosineSimilarityLoss(sbert)

sbert.old_fit(train_objectives=[(dl, loss_fn)], epochs=HP["epochs"], warmup_steps=2,
              optimizer_params={"lr": HP["lr"]}, show_progress_bar=False)


def top1(q):
    qe = sbert.encode([q], convert_to_tensor=True)
    ce = sbert.encode(cat, convert_to_tensor=True)
    s = torch.nn.functional.cosine_similarity(qe, ce)
    return cat[s.argmax().item()], s.max().item()


hits = sum(top1(lab[i])[0] == cat[i] for i in range(len(lab)))
print(f"top1 {hits}/{len(lab)}")
print("example:", top1(lab[3]))
